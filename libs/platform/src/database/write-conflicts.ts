import { isDuplicateKey } from './duplicate-key.js';

/** A write refused because a unique index (or `_id`) already holds one of its values: the thing exists already. */
export class DuplicateKeyConflict extends Error {
  private constructor(
    message: string,
    /** The unique index's fields, where the engine names them (MongoDB does; FerretDB says so in the message only). */
    private readonly keyPattern?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DuplicateKeyConflict';
  }

  /** The conflict a failed write is, or undefined when it failed for another reason. */
  static of(error: unknown): DuplicateKeyConflict | undefined {
    if (!isDuplicateKey(error)) return undefined;
    const { message, keyPattern } = error as { message?: string; keyPattern?: Record<string, unknown> };
    return new DuplicateKeyConflict(String(message ?? 'duplicate key'), keyPattern);
  }

  /** Whether the value already held is this field's (which of several unique indexes refused the write). */
  concerns(field: string): boolean {
    return this.keyPattern ? field in this.keyPattern : this.message.includes(field);
  }
}

/** A conditional write that matched nothing: the document changed (or is gone) since it was read. The caller reads again. */
export class VersionConflict extends Error {
  constructor(
    readonly collection: string,
    readonly id: unknown,
  ) {
    super(`${collection} ${String(id)} changed meanwhile`);
    this.name = 'VersionConflict';
  }
}

/** What a write that may lose to another one came to: the document as written, or the conflict. */
export type WriteResult<T, C extends Error> = { ok: true; document: T } | { ok: false; conflict: C };
