import { type KeyObject, createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';

/**
 * Internal calls carry a token the caller signs per request with its own Ed25519 key: who calls
 * (`iss`), which service it is for (`aud`), on whose behalf (`act`), for which request (`req`: method
 * and path), valid for a minute. The receiver checks it against the public keys of the callers it
 * accepts. No dependency but node:crypto, so the project's scripts can sign with it from dist/.
 */
export interface InternalTokenClaims {
  iss: string;
  aud: string;
  act: { type: 'patient' | 'provider' | 'admin' | 'system'; id: string };
  req: string;
  iat: number;
  exp: number;
}

const VERSION = 'v1';
const ACTOR_TYPES = new Set<unknown>(['patient', 'provider', 'admin', 'system']);
/** Seconds a token is valid after it was signed. */
export const INTERNAL_TOKEN_TTL_SECONDS = 60;
/** Clock difference tolerated between caller and receiver. */
const CLOCK_TOLERANCE_SECONDS = 5;

/** The services of this platform: each has a development key derived from its name. */
export const PLATFORM_SERVICES = ['gateway', 'booking-svc', 'payment-svc', 'calendar-svc', 'notification-svc', 'scheduler-svc'] as const;

/** The fixed ASN.1 prefix of an Ed25519 private key in PKCS#8 DER, before its 32-byte seed. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * A service's development key: derived from its name, so local runs, tests and the project's scripts
 * agree without configuration. Public by construction: refused in production (docs/security.md).
 */
export function developmentSigningKey(service: string): KeyObject {
  const seed = createHash('sha256').update(`booking-platform local development internal key: ${service}`).digest();
  return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** A private key from its base64 PKCS#8 DER (the INTERNAL_SIGNING_KEY form). */
export function signingKeyFrom(base64: string): KeyObject {
  const key = createPrivateKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 private key');
  return key;
}

/** A public key from its base64 SPKI DER (the INTERNAL_CALLER_KEYS form). */
export function verifyingKeyFrom(base64: string): KeyObject {
  const key = createPublicKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 public key');
  return key;
}

/** The base64 SPKI DER of a key's public half: what a receiver lists in INTERNAL_CALLER_KEYS. */
export function publicKeyText(key: KeyObject): string {
  return (key.type === 'public' ? key : createPublicKey(key)).export({ format: 'der', type: 'spki' }).toString('base64');
}

/** The request a token is for: its method and the path with its query, as the receiver sees them. */
export function requestLine(method: string, pathAndQuery: string): string {
  return `${method.toUpperCase()} ${pathAndQuery}`;
}

export function signInternalToken(
  key: KeyObject,
  claims: Omit<InternalTokenClaims, 'iat' | 'exp'>,
  now = Date.now(),
  ttlSeconds = INTERNAL_TOKEN_TTL_SECONDS,
): string {
  const iat = Math.floor(now / 1000);
  const payload = Buffer.from(JSON.stringify({ ...claims, iat, exp: iat + ttlSeconds })).toString('base64url');
  const signed = `${VERSION}.${payload}`;
  return `${signed}.${sign(null, Buffer.from(signed), key).toString('base64url')}`;
}

export type InternalTokenProblem = 'malformed' | 'unknown-caller' | 'bad-signature' | 'expired' | 'wrong-audience' | 'wrong-request';

/** The claims of a token valid for this receiver and request, or what is wrong with it. */
export function verifyInternalToken(
  token: string,
  expected: { audience: string; request: string; callers: ReadonlyMap<string, KeyObject> },
  now = Date.now(),
): { claims: InternalTokenClaims } | { problem: InternalTokenProblem } {
  const [version, payload, signature, ...rest] = token.split('.');
  if (version !== VERSION || !payload || !signature || rest.length > 0) return { problem: 'malformed' };
  let claims: InternalTokenClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as InternalTokenClaims;
  } catch {
    return { problem: 'malformed' };
  }
  if (
    typeof claims?.iss !== 'string' ||
    typeof claims.iat !== 'number' ||
    typeof claims.exp !== 'number' ||
    !ACTOR_TYPES.has(claims.act?.type) ||
    typeof claims.act.id !== 'string' ||
    claims.act.id.length === 0
  )
    return { problem: 'malformed' };
  const key = expected.callers.get(claims.iss);
  if (!key) return { problem: 'unknown-caller' };
  if (!verify(null, Buffer.from(`${version}.${payload}`), key, Buffer.from(signature, 'base64url'))) return { problem: 'bad-signature' };
  const seconds = now / 1000;
  if (
    claims.exp + CLOCK_TOLERANCE_SECONDS < seconds ||
    claims.iat - CLOCK_TOLERANCE_SECONDS > seconds ||
    claims.exp - claims.iat > 2 * INTERNAL_TOKEN_TTL_SECONDS
  )
    return { problem: 'expired' };
  if (claims.aud !== expected.audience) return { problem: 'wrong-audience' };
  if (claims.req !== expected.request) return { problem: 'wrong-request' };
  return { claims };
}
