import type { Migration } from './migration.js';
import { type MigrationRecord, migrationRecords } from './migration-record.js';
import type { mongo } from 'mongoose';

/**
 * applied: recorded with the same checksum; pending: not recorded; changed: recorded with another
 * checksum (its code was edited after it ran); unknown: recorded by a release that knows more
 * migrations than this one (normal while an upgrade's hook has run and old pods still serve).
 */
export type MigrationState = 'applied' | 'pending' | 'changed' | 'unknown';

export interface MigrationStatus {
  version: string;
  name: string;
  state: MigrationState;
  appliedAt?: Date;
}

export function statusOf(migrations: readonly Migration[], records: readonly MigrationRecord[]): MigrationStatus[] {
  const recorded = new Map(records.map((record) => [record.version, record]));
  const known = new Set(migrations.map((m) => m.version));
  const rows: MigrationStatus[] = migrations.map(({ version, name, checksum }) => {
    const record = recorded.get(version);
    if (!record) return { version, name, state: 'pending' };
    return { version, name, state: record.checksum === checksum ? 'applied' : 'changed', appliedAt: record.appliedAt };
  });
  for (const record of records)
    if (!known.has(record.version)) rows.push({ version: record.version, name: record.name, state: 'unknown', appliedAt: record.appliedAt });
  return rows.sort((a, b) => a.version.localeCompare(b.version));
}

export async function readStatus(db: mongo.Db, migrations: readonly Migration[]): Promise<MigrationStatus[]> {
  return statusOf(migrations, await migrationRecords(db).find({}).toArray());
}
