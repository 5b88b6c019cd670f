// Prints a development JWT for the local gateway, signed with JWT_SECRET from the local config:
//   npm run token -- --role patient --sub patient-1 [--ttl 1h]
import { parseArgs } from 'node:util';
import { ROLES, devTokenSigner } from './lib/tokens.mjs';

const { values } = parseArgs({ options: { role: { type: 'string' }, sub: { type: 'string' }, ttl: { type: 'string', default: '1h' } } });
if (!ROLES.includes(values.role) || !values.sub) {
  console.error(`usage: npm run token -- --role ${ROLES.join('|')} --sub <user id> [--ttl 1h]`);
  process.exit(64);
}
let sign;
try {
  sign = devTokenSigner();
} catch (error) {
  console.error(error.message);
  process.exit(78);
}
console.log(await sign(values.role, values.sub, values.ttl));
