import type { mongo } from 'mongoose';

/** Where each service records its applied migrations, in its own database. */
export const MIGRATIONS_COLLECTION = 'schema_migrations';
/** The lease that lets one process at a time migrate that database. */
export const MIGRATION_LOCK_COLLECTION = 'schema_migrations_lock';

/** One applied migration (`_id` = version, so a version is recorded once however many processes race). */
export interface MigrationRecord {
  _id: string;
  version: string;
  name: string;
  checksum: string;
  appliedAt: Date;
  durationMs: number;
  appliedBy: string;
}

export function migrationRecords(db: mongo.Db): mongo.Collection<MigrationRecord> {
  return db.collection<MigrationRecord>(MIGRATIONS_COLLECTION);
}
