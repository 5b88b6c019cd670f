// Makes an Ed25519 key pair for a service's internal calls (docs/security.md, "Internal calls"): the
// private key goes in the service's Secret (INTERNAL_SIGNING_KEY, or INTERNAL_SIGNING_KEY_<SERVICE>
// for the chart), the public key in the receivers' INTERNAL_CALLER_KEYS (the chart's
// internalAuth.publicKeys). Nothing is written to disk.
//   npm run internal-keys -- gateway
import { generateKeyPairSync } from 'node:crypto';

const service = process.argv[2] ?? 'service';
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
console.log(`INTERNAL_SIGNING_KEY_${service.toUpperCase().replaceAll('-', '_')}=${privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64')}`);
console.log(`${service}=${publicKey.export({ format: 'der', type: 'spki' }).toString('base64')}`);
