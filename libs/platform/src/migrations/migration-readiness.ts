import type { INestApplication } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import type { Logger } from 'nestjs-pino';
import { ReadinessRegistry, type ReadinessCheck, type ReadinessResult } from '../health/readiness.js';
import { type Migration, orderMigrations } from './migration.js';
import { readStatus } from './migration-status.js';

/**
 * Readiness fails while this release has migrations its database lacks (pending) or has applied in
 * another form (changed): the code would run against a schema it was not written for. It passes again
 * as soon as `migrate.js up` has run, without a restart. Migrations applied by a newer release are
 * fine (old pods keep serving while an upgrade's hook job runs).
 */
export class MigrationReadiness implements ReadinessCheck {
  readonly name = 'migrations';
  private readonly migrations: Migration[];

  constructor(
    private readonly connection: Connection,
    migrations: readonly Migration[],
  ) {
    this.migrations = orderMigrations(migrations);
  }

  async check(): Promise<ReadinessResult> {
    const db = this.connection.db;
    if (!db) return { up: false, details: { message: 'not connected' } };
    const status = await readStatus(db, this.migrations);
    const pending = status.filter((row) => row.state === 'pending').map((row) => `${row.version} ${row.name}`);
    const changed = status.filter((row) => row.state === 'changed').map((row) => `${row.version} ${row.name}`);
    if (pending.length === 0 && changed.length === 0) return { up: true };
    return { up: false, details: { pending, changed, action: 'run the service migrations: migrate.js up' } };
  }
}

/** Registers the migrations readiness check of a service and says at boot what it is waiting for. */
export async function watchMigrations(app: INestApplication, migrations: readonly Migration[], logger: Logger): Promise<void> {
  const readiness = new MigrationReadiness(app.get<Connection>(getConnectionToken()), migrations);
  app.get(ReadinessRegistry).register(readiness);
  const result = await readiness.check().catch((error: Error) => ({ up: false, details: { message: error.message } }));
  if (!result.up) logger.warn({ message: 'not ready until the database is migrated', ...result.details });
}
