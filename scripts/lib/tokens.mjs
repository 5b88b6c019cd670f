// Development JWTs for the local gateway (HS256 with JWT_SECRET from the local config), for the token
// command and the benchmarks.
import { SignJWT } from 'jose';
import { serviceEnv } from './env.mjs';

export const ROLES = ['patient', 'provider', 'admin'];

/** A signer bound to the local config; throws when JWT_SECRET is missing. `sign(role, sub, ttl)` resolves to the token. */
export function devTokenSigner(env = serviceEnv()) {
  if (!env.JWT_SECRET) throw new Error('JWT_SECRET is not set (config/local.env or the environment)');
  const key = new TextEncoder().encode(env.JWT_SECRET);
  return (role, sub, ttl = '1h') => {
    const token = new SignJWT({ role }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt().setExpirationTime(ttl);
    if (env.JWT_ISSUER) token.setIssuer(env.JWT_ISSUER);
    if (env.JWT_AUDIENCE) token.setAudience(env.JWT_AUDIENCE);
    return token.sign(key);
  };
}
