import { SignJWT } from 'jose';
import { localEnv } from './infra.js';

/** A bearer token signed with the local development secret, as `npm run token` prints; `claims` adds e.g. the OIDC `name`. */
export async function devToken(
  role: 'patient' | 'provider' | 'admin',
  sub: string,
  secret = localEnv()['JWT_SECRET'] ?? '',
  claims: Record<string, unknown> = {},
): Promise<string> {
  const jwt = new SignJWT({ ...claims, role }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt();
  // An `exp` among the claims (a token about to expire) is kept; otherwise it lasts an hour.
  return (claims['exp'] === undefined ? jwt.setExpirationTime('1h') : jwt).sign(new TextEncoder().encode(secret));
}
