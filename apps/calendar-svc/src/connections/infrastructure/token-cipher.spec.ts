import { randomBytes } from 'node:crypto';
import { TokenCipher } from './token-cipher.js';

const key = () => randomBytes(32).toString('base64');

describe('TokenCipher (AES-256-GCM for OAuth tokens at rest)', () => {
  it('opens what it sealed, and never stores the plaintext or repeats a ciphertext', () => {
    const cipher = new TokenCipher(key());
    const one = cipher.seal('ya29.secret-access-token');
    const two = cipher.seal('ya29.secret-access-token');
    expect(one).not.toContain('secret');
    expect(one).not.toEqual(two); // a fresh IV every time
    expect(cipher.open(one)).toBe('ya29.secret-access-token');
  });

  it('refuses a tampered value and a value sealed with another key', () => {
    const cipher = new TokenCipher(key());
    const sealed = cipher.seal('refresh-token');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[4]!, 'base64url');
    body[0] = body[0]! ^ 0x01;
    parts[4] = body.toString('base64url');
    expect(() => cipher.open(parts.join('.'))).toThrow();
    expect(() => new TokenCipher(key()).open(sealed)).toThrow(/unknown format or key/);
  });

  it('opens values sealed with the previous key during a rotation, and marks them for sealing again', () => {
    const oldKey = key();
    const sealedBefore = new TokenCipher(oldKey).seal('refresh-token');
    const rotated = new TokenCipher(key(), oldKey);
    expect(rotated.open(sealedBefore)).toBe('refresh-token');
    expect(rotated.isStale(sealedBefore)).toBe(true);
    expect(rotated.isStale(rotated.seal('refresh-token'))).toBe(false);
  });

  it('refuses a key of the wrong length', () => {
    expect(() => new TokenCipher(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });
});
