import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { infraEnv, localEnv, uniqueSuffix, waitFor, workspaceRoot } from '@bp/testing';
import { portOf } from './support/test-platform.js';

const PORT_OFFSET = 360;

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The real CLI from dist/, as npm start and the Helm hook job run it. */
function migrate(service: string, args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--enable-source-maps', join(workspaceRoot, 'dist/apps', service, 'src/migrate.js'), ...args],
      { cwd: workspaceRoot, env: { PATH: process.env['PATH'], ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
}

/** booking-svc from dist/ as its own process (on a port of this spec's block: its offset plus `slot`), with what it printed. */
function startBookingSvc(env: Record<string, string>, slot: number) {
  const port = portOf('booking-svc', PORT_OFFSET + slot);
  const child = spawn(process.execPath, [join(workspaceRoot, 'dist/apps/booking-svc/src/main.js')], {
    cwd: workspaceRoot,
    env: { ...process.env, ...env, PORT: String(port), KAFKA_GROUP_ID: `booking-svc-${env['MONGO_DB']}`, KAFKA_FROM_BEGINNING: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    exitCode: () => child.exitCode,
    exited,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

describe('migrate.js: the per-service migration CLI on a fresh database', () => {
  const mongo = new mongoose.mongo.MongoClient(infraEnv().MONGO_URL);
  const databases: string[] = [];
  const envFor = (database: string) => {
    databases.push(database);
    return { ...localEnv(), ...infraEnv(), MONGO_DB: database };
  };

  beforeAll(async () => {
    await mongo.connect();
  });

  afterAll(async () => {
    for (const database of databases) await mongo.db(database).dropDatabase();
    await mongo.close();
  });

  /** booking-svc's migrations in order (version and name, as `migrate.js status` lists them). */
  const BOOKING_MIGRATIONS = [
    '20260115000000 booking-request-fields',
    '20261205000000 slot-holds',
    '20261205000100 busy-days',
    '20261205000200 calendar-busy-per-provider',
    '20261205000300 booking-audit-collection',
    '20261205000400 provider-stats-collection',
    '20261205000500 day-buckets',
    '20261205000600 booking-tallies',
    '20261205000700 provider-walk-buckets',
    '20261205180000 retention-days',
    '20261206000000 provider-stats-walk-buckets',
    '20261207200000 booking-created-days',
  ];

  it('lists the pending migration, applies it to legacy documents, records it, and finds nothing to do the second time', async () => {
    const database = `booking_migrate_${uniqueSuffix()}`;
    const env = envFor(database);
    await mongo
      .db(database)
      .collection('providers')
      .insertOne({ _id: 'legacy-1', timezone: 'UTC', calendarConnected: true } as never);

    const before = await migrate('booking-svc', ['status'], env);
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(/^20260115000000\s+pending\s+-\s+booking-request-fields$/m);

    const up = await migrate('booking-svc', ['up'], env);
    expect(up.code).toBe(0);
    expect(up.stdout).toContain('booking-svc migrate: applied 20260115000000 booking-request-fields');
    for (const later of BOOKING_MIGRATIONS.slice(1)) expect(up.stdout).toContain(`booking-svc migrate: applied ${later}`);
    expect(up.stdout).toContain(`applied ${BOOKING_MIGRATIONS.length} migration(s) to ${database}`);

    const provider = await mongo
      .db(database)
      .collection('providers')
      .findOne({ _id: 'legacy-1' as never });
    expect(provider?.['settings']).toMatchObject({ mode: 'instant', modeOverride: false, confirmationDeadlineHours: 24 });
    const record = await mongo
      .db(database)
      .collection('schema_migrations')
      .findOne({ _id: '20260115000000' as never });
    expect(record).toMatchObject({ version: '20260115000000', name: 'booking-request-fields', checksum: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(record?.['appliedAt']).toBeInstanceOf(Date);

    const after = await migrate('booking-svc', ['status'], env);
    expect(after.stdout).toMatch(/^20260115000000\s+applied\s+\d{4}-\d\d-\d\dT\S+Z\s+booking-request-fields$/m);
    const again = await migrate('booking-svc', ['up'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`database ${database} is up to date`);
  }, 60_000);

  it('lets two hook jobs racing on one database apply the migration once', async () => {
    const env = envFor(`booking_race_${uniqueSuffix()}`);

    const runs = await Promise.all([migrate('booking-svc', ['up'], env), migrate('booking-svc', ['up'], env)]);

    expect(runs.map((run) => run.code)).toEqual([0, 0]);
    expect(runs.filter((run) => run.stdout.includes('applied 20260115000000 booking-request-fields'))).toHaveLength(1);
    expect(await mongo.db(env.MONGO_DB).collection('schema_migrations').countDocuments()).toBe(BOOKING_MIGRATIONS.length);
  }, 60_000);

  it('reverts with down and applies again with up', async () => {
    const env = envFor(`booking_down_${uniqueSuffix()}`);
    await migrate('booking-svc', ['up'], env);

    const newest = await migrate('booking-svc', ['down', '1'], env);
    expect(newest.code).toBe(0);
    expect(newest.stdout).toContain(`reverted ${BOOKING_MIGRATIONS.at(-1)}`);
    expect(await mongo.db(env.MONGO_DB).collection('schema_migrations').countDocuments()).toBe(BOOKING_MIGRATIONS.length - 1);
    const down = await migrate('booking-svc', ['down', String(BOOKING_MIGRATIONS.length - 1)], env);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('reverted 20260115000000 booking-request-fields');
    expect(await mongo.db(env.MONGO_DB).collection('schema_migrations').countDocuments()).toBe(0);
    expect((await migrate('booking-svc', ['down'], env)).stdout).toContain('nothing applied to revert');

    expect((await migrate('booking-svc', ['up'], env)).stdout).toContain('applied 20260115000000 booking-request-fields');
  }, 60_000);

  it('refuses, exiting 1 with the reason, when the applied migration has changed since', async () => {
    const env = envFor(`booking_changed_${uniqueSuffix()}`);
    await migrate('booking-svc', ['up'], env);
    await mongo
      .db(env.MONGO_DB)
      .collection('schema_migrations')
      .updateOne({ _id: '20260115000000' as never }, { $set: { checksum: 'f'.repeat(64) } });

    const up = await migrate('booking-svc', ['up'], env);

    expect(up.code).toBe(1);
    expect(up.stderr).toContain(
      'booking-svc migrate up failed: [CHECKSUM_MISMATCH] applied migration changed since it was applied: 20260115000000 booking-request-fields',
    );
    expect((await migrate('booking-svc', ['status'], env)).stdout).toMatch(/^20260115000000\s+changed\s/m);
  }, 60_000);

  it('lets a service apply its migrations as it starts (MIGRATE_ON_START), and refuses to start, exiting 1, when one has changed', async () => {
    const env = envFor(`booking_on_start_${uniqueSuffix()}`);
    const started = await startBookingSvc({ ...env, MIGRATE_ON_START: 'true' }, 1);
    try {
      await waitFor(
        async () => (await fetch(`${started.url}/health/ready`).catch(() => undefined))?.status === 200,
        45_000,
        () => `booking-svc to migrate and become ready:\n${started.output().slice(-3000)}`,
      );
      expect(started.output()).toContain(`booking-svc migrate: applied ${BOOKING_MIGRATIONS.length} migration(s) to ${env.MONGO_DB}`);
      expect((await migrate('booking-svc', ['up'], env)).stdout).toContain(`database ${env.MONGO_DB} is up to date`);
    } finally {
      await started.stop();
    }

    await mongo
      .db(env.MONGO_DB)
      .collection('schema_migrations')
      .updateOne({ _id: '20260115000000' as never }, { $set: { checksum: 'f'.repeat(64) } });
    const refused = await startBookingSvc({ ...env, MIGRATE_ON_START: 'true' }, 2);
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toContain(
      'booking-svc migrate up failed: [CHECKSUM_MISMATCH] applied migration changed since it was applied: 20260115000000 booking-request-fields',
    );
  }, 120_000);

  it('exits non-zero with a clear message on bad usage, bad configuration and an unreachable database', async () => {
    const env = envFor(`booking_bad_${uniqueSuffix()}`);

    const usage = await migrate('booking-svc', ['sideways'], env);
    expect(usage.code).toBe(64);
    expect(usage.stderr).toContain('usage: migrate.js up | down [count] | status');
    expect((await migrate('booking-svc', ['down', '0'], env)).code).toBe(64);

    const { MONGO_URL: _url, ...withoutMongo } = env;
    const config = await migrate('booking-svc', ['up'], withoutMongo);
    expect(config.code).toBe(78);
    expect(config.stderr).toContain('booking-svc: invalid configuration');
    expect(config.stderr).toMatch(/- MONGO_URL: /);

    const unreachable = await migrate('booking-svc', ['up'], { ...env, MONGO_URL: 'mongodb://127.0.0.1:1' });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('booking-svc migrate up failed:');
    expect(unreachable.stderr).toContain('127.0.0.1:1');
  }, 60_000);

  it('has a CLI for every service with a database, applying its migrations to a fresh database once', async () => {
    const expected: Record<string, string[]> = {
      'payment-svc': ['20261205000000 day-buckets', '20261205000100 stripe-events-pending', '20261205180000 retention-days'],
      'calendar-svc': ['20261205000000 day-buckets', '20261205180000 retention-days'],
      'notification-svc': ['20261205000000 day-buckets', '20261205180000 retention-days', '20261206000000 unverified-contacts'],
    };
    for (const [service, migrations] of Object.entries(expected)) {
      const env = envFor(`${service.replace(/-svc$/, '')}_migrate_${uniqueSuffix()}`);
      const status = await migrate(service, ['status'], env);
      for (const migration of migrations) {
        const [version, name] = migration.split(' ');
        expect(status.stdout).toMatch(new RegExp(`^${version}\\s+pending\\s+-\\s+${name}$`, 'm'));
      }
      const up = await migrate(service, ['up'], env);
      expect(up.code).toBe(0);
      for (const migration of migrations) expect(up.stdout).toContain(`${service} migrate: applied ${migration}`);
      expect((await migrate(service, ['up'], env)).stdout).toContain(`database ${env.MONGO_DB} is up to date`);
    }
  }, 90_000);

  it('applies scheduler-svc’s migration to a fresh database and then finds it up to date', async () => {
    const env = envFor(`scheduler_migrate_${uniqueSuffix()}`);
    expect((await migrate('scheduler-svc', ['status'], env)).stdout).toMatch(/^20261125000000\s+pending\s+-\s+timer-poll-minute$/m);
    const up = await migrate('scheduler-svc', ['up'], env);
    expect(up.code).toBe(0);
    expect(up.stdout).toContain('scheduler-svc migrate: applied 20261125000000 timer-poll-minute');
    expect((await migrate('scheduler-svc', ['up'], env)).stdout).toContain(`database ${env.MONGO_DB} is up to date`);
  }, 60_000);

  it('keeps booking-svc out of readiness until its database is migrated, then lets it in without a restart', async () => {
    const env = envFor(`booking_ready_${uniqueSuffix()}`);
    const booking = startBookingSvc(env, 0);
    const ready = () => fetch(`${booking.url}/health/ready`).catch(() => undefined);
    try {
      const refused = await waitFor(
        async () => {
          if (booking.exitCode() !== null) throw new Error(`booking-svc exited:\n${booking.output().slice(-3000)}`);
          const response = await ready();
          return response?.status === 503 ? ((await response.json()) as { error: { code: string; message: string; details: unknown } }) : undefined;
        },
        45_000,
        () => `booking-svc to answer readiness:\n${booking.output().slice(-3000)}`,
      );
      expect(refused.error.code).toBe('NOT_READY');
      expect(refused.error.message).toContain('migrations');
      expect(JSON.stringify(refused.error.details)).toContain('20260115000000 booking-request-fields');
      expect(booking.output()).toContain('not ready until the database is migrated');

      expect((await migrate('booking-svc', ['up'], env)).code).toBe(0);

      await waitFor(
        async () => (await ready())?.status === 200,
        20_000,
        () => 'readiness once migrated',
      );
    } finally {
      await booking.stop();
    }
  }, 90_000);
});
