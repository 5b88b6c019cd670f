import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { mongo } from 'mongoose';
import { Lease, type LeaseDocument } from '../database/lease.js';
import { type Migration, orderMigrations } from './migration.js';
import { MigrationError, MigrationErrorCode } from './migration-error.js';
import { MIGRATION_LOCK_COLLECTION, migrationRecords } from './migration-record.js';
import { type MigrationStatus, readStatus } from './migration-status.js';

export interface MigrationRunnerOptions {
  /** This process, as the lock and the records name it. */
  owner?: string;
  /** How long the lock holds without renewal (renewed every third of it while migrating). */
  leaseMs?: number;
  /** How long to wait for another process's lock before giving up. */
  lockWaitMs?: number;
  log?: (message: string) => void;
}

export interface MigrationOutcome {
  version: string;
  name: string;
  durationMs: number;
}

const LOCK_NAME = 'migrations';
const LOCK_POLL_MS = 250;

/**
 * Applies and reverts one service's migrations on its own database, one process at a time (a lease
 * in `schema_migrations_lock`), recording each in `schema_migrations`. Refuses to touch anything when
 * an applied migration's code has changed.
 */
export class MigrationRunner {
  private readonly migrations: Migration[];
  private readonly owner: string;
  private readonly leaseMs: number;
  private readonly lockWaitMs: number;
  private readonly log: (message: string) => void;
  private readonly lease: Lease;

  constructor(
    private readonly db: mongo.Db,
    migrations: readonly Migration[],
    options: MigrationRunnerOptions = {},
  ) {
    this.migrations = orderMigrations(migrations);
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.lockWaitMs = options.lockWaitMs ?? 120_000;
    this.log = options.log ?? (() => undefined);
    this.lease = new Lease(db.collection<LeaseDocument>(MIGRATION_LOCK_COLLECTION), LOCK_NAME);
  }

  status(): Promise<MigrationStatus[]> {
    return readStatus(this.db, this.migrations);
  }

  /** Applies every pending migration in version order; what it applied (nothing when up to date). */
  up(): Promise<MigrationOutcome[]> {
    return this.locked(async (stillHeld) => {
      const status = await this.verifiedStatus();
      const pending = new Set(status.filter((row) => row.state === 'pending').map((row) => row.version));
      const applied: MigrationOutcome[] = [];
      for (const migration of this.migrations.filter((m) => pending.has(m.version))) {
        stillHeld();
        const durationMs = await this.run(migration, 'up');
        await migrationRecords(this.db).insertOne({
          _id: migration.version,
          version: migration.version,
          name: migration.name,
          checksum: migration.checksum,
          appliedAt: new Date(),
          durationMs,
          appliedBy: this.owner,
        });
        applied.push({ version: migration.version, name: migration.name, durationMs });
      }
      return applied;
    });
  }

  /** Reverts the last `count` applied migrations, newest first. */
  down(count = 1): Promise<MigrationOutcome[]> {
    if (!Number.isInteger(count) || count < 1) throw new Error(`down takes a positive whole number of migrations, not ${count}`);
    return this.locked(async (stillHeld) => {
      const status = await this.verifiedStatus();
      const latest = status
        .filter((row) => row.state !== 'pending')
        .slice(-count)
        .reverse();
      const unknown = latest.filter((row) => row.state === 'unknown');
      if (unknown.length > 0)
        throw new MigrationError(
          MigrationErrorCode.UnknownApplied,
          `cannot revert ${unknown.map((row) => `${row.version} ${row.name}`).join(', ')}: applied by a newer release that knows how; run its down first`,
        );
      const reverted: MigrationOutcome[] = [];
      for (const row of latest) {
        const migration = this.migrations.find((m) => m.version === row.version) as Migration;
        stillHeld();
        const durationMs = await this.run(migration, 'down');
        await migrationRecords(this.db).deleteOne({ _id: migration.version });
        reverted.push({ version: migration.version, name: migration.name, durationMs });
      }
      return reverted;
    });
  }

  private async verifiedStatus(): Promise<MigrationStatus[]> {
    const status = await this.status();
    const changed = status.filter((row) => row.state === 'changed');
    if (changed.length > 0)
      throw new MigrationError(
        MigrationErrorCode.ChecksumMismatch,
        `applied migration${changed.length > 1 ? 's' : ''} changed since ${changed.length > 1 ? 'they were' : 'it was'} applied: ${changed
          .map((row) => `${row.version} ${row.name}`)
          .join(', ')}; restore the code as applied and write a new migration instead`,
      );
    return status;
  }

  private async run(migration: Migration, direction: 'up' | 'down'): Promise<number> {
    const started = Date.now();
    this.log(`${direction === 'up' ? 'applying' : 'reverting'} ${migration.version} ${migration.name}`);
    try {
      await migration[direction]({ db: this.db, version: migration.version, log: (message) => this.log(`  ${migration.version}: ${message}`) });
    } catch (error) {
      throw new MigrationError(MigrationErrorCode.Failed, `${direction} of ${migration.version} ${migration.name} failed: ${(error as Error).message}`);
    }
    const durationMs = Date.now() - started;
    this.log(`${direction === 'up' ? 'applied' : 'reverted'} ${migration.version} ${migration.name} in ${durationMs} ms`);
    return durationMs;
  }

  /** Runs `work` holding the lock, renewing it meanwhile; `stillHeld` throws once the lock was lost. */
  private async locked<T>(work: (stillHeld: () => void) => Promise<T>): Promise<T> {
    let revision = await this.acquire();
    let lost = false;
    let renewing = Promise.resolve();
    const renewal = setInterval(() => {
      renewing = renewing.then(async () => {
        if (lost) return;
        const renewed = await this.lease.renew(this.owner, revision, this.leaseMs).catch(() => revision); // a failed renewal is retried next time
        if (renewed === undefined) lost = true;
        else revision = renewed;
      });
    }, this.leaseMs / 3);
    try {
      return await work(() => {
        if (lost)
          throw new MigrationError(MigrationErrorCode.LockLost, 'the migration lock lapsed and another process took it; stopped before the next migration');
      });
    } finally {
      clearInterval(renewal);
      await renewing;
      if (!lost) await this.lease.release(this.owner, revision);
    }
  }

  private async acquire(): Promise<number> {
    const deadline = Date.now() + this.lockWaitMs;
    let announced = false;
    for (;;) {
      const attempt = await this.lease.tryAcquire(this.owner, this.leaseMs);
      if (attempt.acquired) return attempt.revision;
      if (Date.now() >= deadline)
        throw new MigrationError(
          MigrationErrorCode.Locked,
          `another process (${attempt.heldBy ?? 'unknown'}) is migrating this database; waited ${this.lockWaitMs} ms for it`,
        );
      if (!announced && attempt.heldBy) this.log(`waiting for ${attempt.heldBy}, which is migrating this database`);
      announced = true;
      await sleep(LOCK_POLL_MS);
    }
  }
}
