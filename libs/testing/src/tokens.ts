import { SignJWT } from 'jose';
import { localEnv } from './infra.js';

/** A bearer token signed with the local development secret, as `npm run token` prints; `claims` adds e.g. the OIDC `name`. */
export async function devToken(
  role: 'patient' | 'provider' | 'admin',
  sub: string,
  secret = localEnv()['JWT_SECRET'] ?? '',
  claims: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT({ ...claims, role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret));
}
