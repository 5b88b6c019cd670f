import { isDuplicateKey } from './duplicate-key.js';

/** One failed document of a write: its position in the batch and why. */
export interface WriteFailure {
  code?: number;
  index?: number;
}

/**
 * The documents a failed write did not write: the driver reports one or several
 * (`MongoBulkWriteError.writeErrors` is either), or only the error itself for a single-document write.
 */
export function writeFailures(error: unknown): WriteFailure[] {
  const { code, writeErrors } = error as { code?: number; writeErrors?: WriteFailure | WriteFailure[] };
  if (Array.isArray(writeErrors)) return writeErrors;
  return [writeErrors ?? { code, index: 0 }];
}

/** Whether a failed write failed only because documents were there already. */
export function onlyDuplicates(error: unknown): boolean {
  const failures = writeFailures(error);
  return failures.length > 0 && failures.every(isDuplicateKey);
}

/**
 * Inserts the documents that are not there yet, in one unordered write: one whose key exists already
 * is skipped, not an error (history records and inbox entries written again after a crash, timers a
 * redelivery created first). Returns how many were new. Any other failure is thrown.
 */
export async function insertNew<T>(collection: { insertMany(documents: T[], options: { ordered: false }): Promise<unknown> }, documents: T[]): Promise<number> {
  if (documents.length === 0) return 0;
  try {
    await collection.insertMany(documents, { ordered: false });
    return documents.length;
  } catch (error) {
    if (!onlyDuplicates(error)) throw error;
    return documents.length - writeFailures(error).length;
  }
}

/**
 * A mongoose model's insertMany for `insertNew`, lean: no document built, cast or validated per row
 * (for rows whose types already fix their fields), and still the model's, so traces show it.
 */
export function leanInserts<T>(model: { insertMany(documents: T[], options: { ordered: false; lean: true }): Promise<unknown> }) {
  return { insertMany: (documents: T[], options: { ordered: false }) => model.insertMany(documents, { ...options, lean: true }) };
}
