import 'reflect-metadata';
import { jest } from '@jest/globals';
import { SignJWT } from 'jose';
import { ApiError } from '@bp/platform';
import { GatewayConfig } from '../config/gateway.config.js';
import { TokenVerifier } from './token-verifier.js';

const secret = 'Qw8eR4tY2uI6oP0aS9dF3gH7jK1lZ5xC';
const now = () => Math.floor(Date.now() / 1000);

function verifier(settings: Partial<GatewayConfig> = {}): TokenVerifier {
  return new TokenVerifier(Object.assign(new GatewayConfig(), { JWT_SECRET: secret, ...settings }));
}

async function token(claims: Record<string, unknown>, { exp = now() + 600, sub = 'patient-1' }: { exp?: number | null; sub?: string } = {}) {
  const jwt = new SignJWT({ role: 'patient', ...claims }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt();
  return (exp === null ? jwt : jwt.setExpirationTime(exp)).sign(new TextEncoder().encode(secret));
}

const refused = async (check: Promise<unknown>) => {
  const error = await check.then(
    () => undefined,
    (e: unknown) => e,
  );
  return error instanceof ApiError ? `${error.status} ${error.code}` : error;
};

describe('TokenVerifier', () => {
  it('accepts a signed token with sub, role and exp, and reads its name and expiry', async () => {
    const exp = now() + 600;
    expect(await verifier().verify(`Bearer ${await token({ name: ' Maria Lopez ' }, { exp })}`)).toEqual({
      id: 'patient-1',
      role: 'patient',
      name: 'Maria Lopez',
      expiresAt: exp * 1000,
    });
  });

  it('refuses a token without exp, one expired beyond the clock tolerance, and accepts one within it', async () => {
    expect(await refused(verifier().verify(`Bearer ${await token({}, { exp: null })}`))).toBe('401 UNAUTHENTICATED');
    expect(await refused(verifier().verify(`Bearer ${await token({}, { exp: now() - 120 })}`))).toBe('401 UNAUTHENTICATED');
    await expect(verifier({ JWT_CLOCK_TOLERANCE_SECONDS: 30 }).verify(`Bearer ${await token({}, { exp: now() - 10 })}`)).resolves.toMatchObject({
      id: 'patient-1',
    });
  });

  it('refuses a role the issuer may not grant, and another issuer or audience than configured', async () => {
    const patientsOnly = verifier({ JWT_GRANTABLE_ROLES: 'patient' });
    expect(await refused(patientsOnly.verify(`Bearer ${await token({ role: 'admin' })}`))).toBe('401 UNAUTHENTICATED');
    await expect(patientsOnly.verify(`Bearer ${await token({})}`)).resolves.toMatchObject({ role: 'patient' });
    const strict = verifier({ JWT_ISSUER: 'https://id.example.health/', JWT_AUDIENCE: 'booking-platform-api' });
    expect(await refused(strict.verify(`Bearer ${await token({ iss: 'https://evil.example/', aud: 'booking-platform-api' })}`))).toBe('401 UNAUTHENTICATED');
    expect(await refused(strict.verify(`Bearer ${await token({ iss: 'https://id.example.health/', aud: 'another-api' })}`))).toBe('401 UNAUTHENTICATED');
    await expect(strict.verify(`Bearer ${await token({ iss: 'https://id.example.health/', aud: 'booking-platform-api' })}`)).resolves.toMatchObject({
      id: 'patient-1',
    });
  });

  it('takes a token it verified lately on its word, but never past the token’s expiry', async () => {
    jest.useFakeTimers({ now: Date.now(), doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const check = verifier({ JWT_CLOCK_TOLERANCE_SECONDS: 5 });
      const exp = now() + 20;
      const bearer = `Bearer ${await token({}, { exp })}`;
      expect(await check.verify(bearer)).toMatchObject({ id: 'patient-1', expiresAt: exp * 1000 });
      jest.setSystemTime((exp + 4) * 1000); // expired, within the tolerance: still good
      expect(await check.verify(bearer)).toMatchObject({ id: 'patient-1' });
      jest.setSystemTime((exp + 6) * 1000);
      expect(await refused(check.verify(bearer))).toBe('401 UNAUTHENTICATED');
      // A forged signature is refused even though a token of the same claims was verified.
      const [header, payload] = bearer.slice(7).split('.');
      expect(await refused(check.verify(`Bearer ${header}.${payload}.${'A'.repeat(43)}`))).toBe('401 UNAUTHENTICATED');
    } finally {
      jest.useRealTimers();
    }
  });
});
