import { generateKeyPairSync } from 'node:crypto';
import { ServiceConfig } from '../config/service.config.js';
import { InternalIdentity } from './internal-identity.js';
import { developmentSigningKey, publicKeyText, signInternalToken } from './internal-token.js';

/** An identity as the named service builds it at start, with these settings and environment. */
function identityOf(service: string, settings: Partial<ServiceConfig> = {}, env: NodeJS.ProcessEnv = {}): InternalIdentity {
  const saved = { ...process.env };
  Object.assign(process.env, { SERVICE_NAME: service, NODE_ENV: 'test', ALLOW_DEVELOPMENT_SECRETS: '' }, env);
  try {
    return new InternalIdentity(Object.assign(new ServiceConfig(), settings));
  } finally {
    process.env = saved;
  }
}

const refusal = (call: () => unknown) => {
  try {
    call();
  } catch (error) {
    return { status: (error as { status?: number }).status, code: (error as { code?: string }).code, message: (error as Error).message };
  }
  return undefined;
};

const keyPair = () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { signing: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'), public: publicKeyText(publicKey) };
};

describe('InternalIdentity: per-caller signed tokens on internal calls', () => {
  const gateway = identityOf('gateway');
  const booking = identityOf('booking-svc');
  const calendar = identityOf('calendar-svc');
  const patient = { type: 'patient' as const, id: 'patient-1' };

  it('accepts a token its caller signed for this service and this request, and says who the actor is', () => {
    const token = gateway.tokenFor('booking-svc', patient, 'POST', '/internal/reservations');
    expect(booking.authenticate(token, 'POST', '/internal/reservations')).toEqual({ caller: 'gateway', actor: patient });
  });

  it('refuses a token for another service, another request, out of its minute, altered, or from an unknown caller', () => {
    const token = gateway.tokenFor('booking-svc', patient, 'GET', '/internal/bookings/b-1');
    expect(refusal(() => calendar.authenticate(token, 'GET', '/internal/bookings/b-1'))).toMatchObject({
      status: 401,
      message: expect.stringContaining('wrong-audience'),
    });
    expect(refusal(() => booking.authenticate(token, 'GET', '/internal/bookings/b-2'))).toMatchObject({
      status: 401,
      message: expect.stringContaining('wrong-request'),
    });
    expect(refusal(() => booking.authenticate(token, 'DELETE', '/internal/bookings/b-1'))).toMatchObject({ message: expect.stringContaining('wrong-request') });
    const old = signInternalToken(
      developmentSigningKey('gateway'),
      { iss: 'gateway', aud: 'booking-svc', act: patient, req: 'GET /x' },
      Date.now() - 10 * 60_000,
    );
    expect(refusal(() => booking.authenticate(old, 'GET', '/x'))).toMatchObject({ status: 401, message: expect.stringContaining('expired') });
    // The same claims with another actor: the signature no longer matches.
    const [version, payload, signature] = token.split('.');
    const altered = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    altered['act'] = { type: 'admin', id: 'mallory' };
    const forged = `${version}.${Buffer.from(JSON.stringify(altered)).toString('base64url')}.${signature}`;
    expect(refusal(() => booking.authenticate(forged, 'GET', '/internal/bookings/b-1'))).toMatchObject({
      status: 401,
      message: expect.stringContaining('bad-signature'),
    });
    const stranger = signInternalToken(generateKeyPairSync('ed25519').privateKey, { iss: 'stranger', aud: 'booking-svc', act: patient, req: 'GET /x' });
    expect(refusal(() => booking.authenticate(stranger, 'GET', '/x'))).toMatchObject({ status: 401, message: expect.stringContaining('unknown-caller') });
    expect(refusal(() => booking.authenticate(undefined, 'GET', '/x'))).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(refusal(() => booking.authenticate('local-development-internal-token', 'GET', '/x'))).toMatchObject({
      status: 401,
      message: expect.stringContaining('malformed'),
    });
  });

  it('lets only the gateway speak for users: another service calls as itself', () => {
    expect(calendar.authenticate(booking.tokenFor('calendar-svc', { type: 'system', id: 'booking-svc' }, 'POST', '/c'), 'POST', '/c')).toEqual({
      caller: 'booking-svc',
      actor: { type: 'system', id: 'booking-svc' },
    });
    for (const actor of [patient, { type: 'admin' as const, id: 'a-1' }, { type: 'system' as const, id: 'gateway' }])
      expect(refusal(() => calendar.authenticate(booking.tokenFor('calendar-svc', actor, 'POST', '/c'), 'POST', '/c'))).toMatchObject({
        status: 403,
        code: 'FORBIDDEN',
      });
  });

  it('accepts only the callers listed in INTERNAL_CALLER_KEYS when it is set', () => {
    const keys = { gateway: keyPair(), booking: keyPair() };
    const receiver = identityOf('calendar-svc', { INTERNAL_CALLER_KEYS: `gateway=${keys.gateway.public}` });
    const caller = identityOf('gateway', { INTERNAL_SIGNING_KEY: keys.gateway.signing });
    expect(receiver.authenticate(caller.tokenFor('calendar-svc', patient, 'GET', '/p'), 'GET', '/p').caller).toBe('gateway');
    // The development gateway key is not the listed one; booking-svc is not listed at all.
    expect(refusal(() => receiver.authenticate(gateway.tokenFor('calendar-svc', patient, 'GET', '/p'), 'GET', '/p'))).toMatchObject({ status: 401 });
    const bookingWithKey = identityOf('booking-svc', { INTERNAL_SIGNING_KEY: keys.booking.signing });
    const asItself = bookingWithKey.tokenFor('calendar-svc', { type: 'system', id: 'booking-svc' }, 'GET', '/p');
    expect(refusal(() => receiver.authenticate(asItself, 'GET', '/p'))).toMatchObject({ message: expect.stringContaining('unknown-caller') });
    expect(refusal(() => identityOf('calendar-svc', { INTERNAL_CALLER_KEYS: 'gateway' }))).toMatchObject({
      message: expect.stringContaining('INTERNAL_CALLER_KEYS'),
    });
    expect(refusal(() => identityOf('calendar-svc', { INTERNAL_CALLER_KEYS: 'gateway=bm90LWEta2V5' }))).toMatchObject({
      message: expect.stringContaining('gateway'),
    });
  });

  it('refuses development keys in production, unless development values are allowed', () => {
    const production = { NODE_ENV: 'production' };
    const keys = keyPair();
    const developmentGateway = publicKeyText(developmentSigningKey('gateway'));
    const developmentBooking = developmentSigningKey('booking-svc').export({ format: 'der', type: 'pkcs8' }).toString('base64');
    expect(refusal(() => identityOf('booking-svc', { INTERNAL_SIGNING_KEY: developmentBooking }, production))).toMatchObject({
      message: 'INTERNAL_SIGNING_KEY: a development key, refused in production',
    });
    // Without keys in production: it cannot call (its client refuses to start) and accepts no call.
    const bare = identityOf('calendar-svc', {}, production);
    expect(refusal(() => bare.assertCanSign())).toMatchObject({ message: expect.stringContaining('INTERNAL_SIGNING_KEY: required in production') });
    expect(refusal(() => bare.authenticate(gateway.tokenFor('calendar-svc', patient, 'GET', '/p'), 'GET', '/p'))).toMatchObject({
      message: expect.stringContaining('unknown-caller'),
    });
    expect(
      refusal(() => identityOf('booking-svc', { INTERNAL_SIGNING_KEY: keys.signing, INTERNAL_CALLER_KEYS: `gateway=${developmentGateway}` }, production)),
    ).toMatchObject({
      message: 'INTERNAL_CALLER_KEYS: the key of gateway is a development key, refused in production',
    });
    expect(identityOf('booking-svc', { INTERNAL_SIGNING_KEY: keys.signing, INTERNAL_CALLER_KEYS: `gateway=${keys.public}` }, production).name).toBe(
      'booking-svc',
    );
    expect(identityOf('booking-svc', {}, { ...production, ALLOW_DEVELOPMENT_SECRETS: 'true' }).name).toBe('booking-svc');
  });
});
