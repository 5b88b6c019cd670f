import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;

/** A short, non-secret fingerprint of a key, stored with each sealed value so rotation knows which key opens it. */
function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 8);
}

/**
 * Seals OAuth tokens at rest with AES-256-GCM: `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url).
 * A tampered value, or one sealed with a key it does not hold, fails to open (GCM authentication),
 * never decrypts to garbage. The previous key opens old values during a rotation.
 */
export class TokenCipher {
  private readonly current: { id: string; key: Buffer };
  private readonly keys = new Map<string, Buffer>();

  constructor(currentKey: string, previousKey?: string) {
    for (const encoded of [previousKey, currentKey]) {
      if (!encoded) continue;
      const key = Buffer.from(encoded, 'base64');
      if (key.length !== 32) throw new Error('a token key must be 32 bytes');
      this.keys.set(keyId(key), key);
    }
    const key = Buffer.from(currentKey, 'base64');
    this.current = { id: keyId(key), key };
  }

  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.current.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', this.current.id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  open(sealed: string): string {
    const [version, id, iv, tag, ciphertext] = sealed.split('.');
    const key = id ? this.keys.get(id) : undefined;
    if (version !== 'v1' || !key || iv === undefined || tag === undefined || ciphertext === undefined) throw new Error('sealed token: unknown format or key');
    const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** Whether a value was sealed with an older key (so it is sealed again on its next write). */
  isStale(sealed: string): boolean {
    return sealed.split('.')[1] !== this.current.id;
  }
}
