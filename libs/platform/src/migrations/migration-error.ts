export enum MigrationErrorCode {
  /** An applied migration's code differs from what was applied. */
  ChecksumMismatch = 'CHECKSUM_MISMATCH',
  /** Another process held the migration lock for longer than this one would wait. */
  Locked = 'MIGRATION_LOCKED',
  /** The lock lapsed while migrating (the process stalled longer than a lease) and someone else took it. */
  LockLost = 'MIGRATION_LOCK_LOST',
  /** `down` would have to revert a migration this release does not know (applied by a newer one). */
  UnknownApplied = 'UNKNOWN_APPLIED_MIGRATION',
  /** A migration's own step failed. */
  Failed = 'MIGRATION_FAILED',
}

export class MigrationError extends Error {
  constructor(
    readonly code: MigrationErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

/** One line for a failed migration run: a refusal with its code, anything else by its message. */
export function describeMigrationFailure(error: unknown): string {
  return error instanceof MigrationError ? `[${error.code}] ${error.message}` : (error as Error).message;
}
