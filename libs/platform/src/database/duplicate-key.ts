/** MongoDB's duplicate key error: a unique index (or `_id`) already holds the value. Known here only. */
const DUPLICATE_KEY = 11000;

/** Whether a write (or one failed document of a batch) failed because a unique index already holds its value. */
export function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === DUPLICATE_KEY;
}
