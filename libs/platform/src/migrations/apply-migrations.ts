import mongoose from 'mongoose';
import type { Migration } from './migration.js';
import { MigrationRunner } from './migration-runner.js';

/** Where the migrations run: the service's database. */
export interface MigrationTarget {
  MONGO_URL: string;
  MONGO_DB: string;
}

/**
 * Runs `work` with a runner on the target database, over a connection of its own that is closed
 * afterwards (migrations run before, and apart from, the service's own connection).
 */
export async function withMigrationRunner<T>(
  target: MigrationTarget,
  migrations: readonly Migration[],
  log: (line: string) => void,
  work: (runner: MigrationRunner) => Promise<T>,
): Promise<T> {
  const client = new mongoose.mongo.MongoClient(target.MONGO_URL, { serverSelectionTimeoutMS: 5000 });
  try {
    await client.connect();
    return await work(new MigrationRunner(client.db(target.MONGO_DB), migrations, { log }));
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** Applies every pending migration (`migrate.js up`), saying what it did. */
export async function applyPendingMigrations(target: MigrationTarget, migrations: readonly Migration[], log: (line: string) => void): Promise<void> {
  const applied = await withMigrationRunner(target, migrations, log, (runner) => runner.up());
  log(applied.length === 0 ? `database ${target.MONGO_DB} is up to date` : `applied ${applied.length} migration(s) to ${target.MONGO_DB}`);
}
