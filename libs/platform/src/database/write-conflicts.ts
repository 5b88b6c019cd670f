import { isDuplicateKey } from './duplicate-key.js';

/**
 * A write refused because a unique index (or `_id`) already holds one of its values: the thing exists
 * already. Which index refused it is not said: MongoDB names it, FerretDB does not, so a caller with
 * several unique keys looks at what is there.
 */
export class DuplicateKeyConflict extends Error {
  private constructor(message: string) {
    super(message);
    this.name = 'DuplicateKeyConflict';
  }

  /** The conflict a failed write is, or undefined when it failed for another reason. */
  static of(error: unknown): DuplicateKeyConflict | undefined {
    if (!isDuplicateKey(error)) return undefined;
    return new DuplicateKeyConflict(String((error as { message?: string }).message ?? 'duplicate key'));
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
