import { randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';
import type { PendingCode } from './contact-verification.js';

const KEY_LENGTH = 32;

/** A fresh one-time code: six digits from the system's CSPRNG, leading zeros kept. */
export function newCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/**
 * The code's hash, bound to whose contact it is (`binding`: person, channel, address), so a code is
 * good for that contact only. scrypt rather than a plain digest: six digits are a million guesses,
 * and a slow salted hash makes trying them all against a leaked record cost more than its 15 minutes.
 */
function hashOf(code: string, salt: string, binding: string): Promise<string> {
  return new Promise((resolve, reject) =>
    scrypt(`${binding}\u0000${code}`, salt, KEY_LENGTH, (error, key) => (error ? reject(error) : resolve(key.toString('base64')))),
  );
}

/** What is stored of a new code: its salted hash, never the code. */
export async function sealCode(code: string, binding: string): Promise<Pick<PendingCode, 'hash' | 'salt'>> {
  const salt = randomBytes(16).toString('base64');
  return { hash: await hashOf(code, salt, binding), salt };
}

/** Whether a candidate is the sealed code (compared in constant time). */
export async function codeMatches(candidate: string, sealed: Pick<PendingCode, 'hash' | 'salt'>, binding: string): Promise<boolean> {
  const expected = Buffer.from(sealed.hash, 'base64');
  const actual = Buffer.from(await hashOf(candidate, sealed.salt, binding), 'base64');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
