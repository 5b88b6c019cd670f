// Prints a development JWT for the local gateway, signed with JWT_SECRET from the local config:
//   npm run token -- --role patient --sub patient-1 [--ttl 1h]
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { serviceEnv } from './lib/env.mjs';

const ROLES = ['patient', 'provider', 'admin'];
const { values } = parseArgs({ options: { role: { type: 'string' }, sub: { type: 'string' }, ttl: { type: 'string', default: '1h' } } });
if (!ROLES.includes(values.role) || !values.sub) {
  console.error(`usage: npm run token -- --role ${ROLES.join('|')} --sub <user id> [--ttl 1h]`);
  process.exit(64);
}
const env = serviceEnv();
if (!env.JWT_SECRET) {
  console.error('JWT_SECRET is not set (config/local.env or the environment)');
  process.exit(78);
}
const token = new SignJWT({ role: values.role }).setProtectedHeader({ alg: 'HS256' }).setSubject(values.sub).setIssuedAt().setExpirationTime(values.ttl);
if (env.JWT_ISSUER) token.setIssuer(env.JWT_ISSUER);
if (env.JWT_AUDIENCE) token.setAudience(env.JWT_AUDIENCE);
console.log(await token.sign(new TextEncoder().encode(env.JWT_SECRET)));
