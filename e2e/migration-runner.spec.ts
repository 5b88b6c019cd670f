import { setTimeout as sleep } from 'node:timers/promises';
import mongoose, { type mongo } from 'mongoose';
import { infraEnv, uniqueSuffix } from '@bp/testing';
import {
  MIGRATION_LOCK_COLLECTION,
  MIGRATIONS_COLLECTION,
  type Migration,
  type MigrationContext,
  MigrationError,
  MigrationErrorCode,
  type MigrationRecord,
  MigrationRunner,
  checksumOf,
} from '@bp/platform';

/** A migration that writes one document per run into `effects` (so a second application shows) and removes them on down. */
function probe(
  version: string,
  name: string,
  options: { code?: string; delayMs?: number; fail?: boolean; during?: (context: MigrationContext) => Promise<void> } = {},
): Migration {
  return {
    version,
    name,
    checksum: checksumOf(`${version}:${name}:${options.code ?? 'v1'}`),
    async up(context) {
      await options.during?.(context);
      if (options.delayMs) await sleep(options.delayMs);
      if (options.fail) throw new Error('the step broke');
      await context.db.collection('effects').insertOne({ version, direction: 'up', at: new Date() });
    },
    async down(context) {
      await context.db.collection('effects').deleteMany({ version });
    },
  };
}

async function expectMigrationError(work: Promise<unknown>, code: MigrationErrorCode): Promise<MigrationError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MigrationError);
  expect((error as MigrationError).code).toBe(code);
  return error as MigrationError;
}

describe('MigrationRunner on the real MongoDB-compatible server', () => {
  let client: mongo.MongoClient;
  let db: mongo.Db;
  const runner = (migrations: Migration[], options: ConstructorParameters<typeof MigrationRunner>[2] = {}) =>
    new MigrationRunner(db, migrations, { leaseMs: 2_000, lockWaitMs: 5_000, ...options });
  const effects = async () => (await db.collection('effects').find({}).sort({ at: 1 }).toArray()).map((e) => e['version'] as string);
  const records = () => db.collection<MigrationRecord>(MIGRATIONS_COLLECTION).find({}).sort({ _id: 1 }).toArray();

  beforeAll(async () => {
    client = await new mongoose.mongo.MongoClient(infraEnv().MONGO_URL).connect();
  });

  beforeEach(() => {
    db = client.db(`migrations_${uniqueSuffix()}`);
  });

  afterEach(async () => {
    await db.dropDatabase();
  });

  afterAll(async () => {
    await client.close();
  });

  it('applies pending migrations in version order whatever order they are listed in, records each, and does nothing when up to date', async () => {
    const migrations = [probe('20260301000000', 'third'), probe('20260101000000', 'first'), probe('20260201000000', 'second')];

    const applied = await runner(migrations).up();

    expect(applied.map((a) => a.version)).toEqual(['20260101000000', '20260201000000', '20260301000000']);
    expect(await effects()).toEqual(['20260101000000', '20260201000000', '20260301000000']);
    const recorded = await records();
    expect(recorded.map(({ _id, version, name, checksum }) => ({ _id, version, name, checksum }))).toEqual([
      { _id: '20260101000000', version: '20260101000000', name: 'first', checksum: checksumOf('20260101000000:first:v1') },
      { _id: '20260201000000', version: '20260201000000', name: 'second', checksum: checksumOf('20260201000000:second:v1') },
      { _id: '20260301000000', version: '20260301000000', name: 'third', checksum: checksumOf('20260301000000:third:v1') },
    ]);
    for (const record of recorded) expect(record.appliedAt).toBeInstanceOf(Date);

    expect(await runner(migrations).up()).toEqual([]);
    expect(await effects()).toHaveLength(3);
  });

  it('lists applied, pending and (applied by a newer release) unknown migrations', async () => {
    await runner([probe('20260101000000', 'first'), probe('20260105000000', 'newer')]).up();

    const status = await runner([probe('20260101000000', 'first'), probe('20260201000000', 'second')]).status();

    expect(status.map(({ version, name, state }) => ({ version, name, state }))).toEqual([
      { version: '20260101000000', name: 'first', state: 'applied' },
      { version: '20260105000000', name: 'newer', state: 'unknown' },
      { version: '20260201000000', name: 'second', state: 'pending' },
    ]);
    expect(status[0]?.appliedAt).toBeInstanceOf(Date);
    expect(status[2]?.appliedAt).toBeUndefined();
  });

  it('refuses to migrate (up or down) when an applied migration has changed, and runs nothing', async () => {
    await runner([probe('20260101000000', 'first')]).up();
    const edited = [probe('20260101000000', 'first', { code: 'v2' }), probe('20260201000000', 'second')];

    const error = await expectMigrationError(runner(edited).up(), MigrationErrorCode.ChecksumMismatch);
    expect(error.message).toContain('20260101000000 first');
    await expectMigrationError(runner(edited).down(), MigrationErrorCode.ChecksumMismatch);

    expect(await effects()).toEqual(['20260101000000']);
    expect((await runner(edited).status()).map((row) => row.state)).toEqual(['changed', 'pending']);
  });

  it('lets exactly one of two racing runners apply each migration; the other waits for it and finds nothing left', async () => {
    const migrations = [probe('20260101000000', 'slow-first', { delayMs: 300 }), probe('20260201000000', 'slow-second', { delayMs: 300 })];

    const [a, b] = await Promise.all([runner(migrations, { owner: 'a' }).up(), runner(migrations, { owner: 'b' }).up()]);

    expect(await effects()).toEqual(['20260101000000', '20260201000000']);
    const appliedBy = [a, b].map((outcomes) => outcomes.map((o) => o.version));
    expect(appliedBy).toContainEqual(['20260101000000', '20260201000000']);
    expect(appliedBy).toContainEqual([]);
    expect((await records()).map((r) => r.appliedBy)).toEqual(a.length > 0 ? ['a', 'a'] : ['b', 'b']);
  });

  it('gives up with MIGRATION_LOCKED while another process holds a live lock, and takes over a lapsed one', async () => {
    const locks = db.collection<{ _id: string; revision: number; owner?: string; expiresAt?: Date }>(MIGRATION_LOCK_COLLECTION);
    await locks.insertOne({ _id: 'migrations', revision: 7, owner: 'stuck-pod', expiresAt: new Date(Date.now() + 60_000) });

    const error = await expectMigrationError(runner([probe('20260101000000', 'first')], { lockWaitMs: 600 }).up(), MigrationErrorCode.Locked);
    expect(error.message).toContain('stuck-pod');
    expect(await effects()).toEqual([]);

    await locks.updateOne({ _id: 'migrations' }, { $set: { expiresAt: new Date(Date.now() - 1) } });
    expect((await runner([probe('20260101000000', 'first')], { owner: 'next' }).up()).map((o) => o.version)).toEqual(['20260101000000']);
    const lock = await locks.findOne({ _id: 'migrations' });
    expect(lock?.owner).toBeUndefined(); // released once done
    expect(lock?.revision).toBeGreaterThan(7);
  });

  it('stops before the next migration once its lock was lost to another process', async () => {
    const stealLock = async ({ db: database }: MigrationContext) => {
      await database.collection(MIGRATION_LOCK_COLLECTION).updateOne({ _id: 'migrations' as never }, { $inc: { revision: 1 }, $set: { owner: 'thief' } });
      await sleep(250); // long enough for a renewal (every leaseMs / 3) to find the lock gone
    };
    const migrations = [probe('20260101000000', 'first', { during: stealLock }), probe('20260201000000', 'second')];

    await expectMigrationError(runner(migrations, { leaseMs: 300 }).up(), MigrationErrorCode.LockLost);

    expect(await effects()).toEqual(['20260101000000']);
  });

  it('records nothing for a failing migration, keeps the ones before it, and releases the lock', async () => {
    const migrations = [probe('20260101000000', 'first'), probe('20260201000000', 'broken', { fail: true }), probe('20260301000000', 'third')];

    const error = await expectMigrationError(runner(migrations).up(), MigrationErrorCode.Failed);

    expect(error.message).toBe('up of 20260201000000 broken failed: the step broke');
    expect((await records()).map((r) => r._id)).toEqual(['20260101000000']);
    const fixed = [probe('20260101000000', 'first'), probe('20260201000000', 'broken'), probe('20260301000000', 'third')];
    expect((await runner(fixed, { lockWaitMs: 0 }).up()).map((o) => o.version)).toEqual(['20260201000000', '20260301000000']);
  });

  it('reverts the last n migrations newest first, and applies them again', async () => {
    const migrations = [probe('20260101000000', 'first'), probe('20260201000000', 'second'), probe('20260301000000', 'third')];
    await runner(migrations).up();

    expect((await runner(migrations).down()).map((o) => o.version)).toEqual(['20260301000000']);
    expect((await runner(migrations).down(5)).map((o) => o.version)).toEqual(['20260201000000', '20260101000000']);
    expect(await effects()).toEqual([]);
    expect(await records()).toEqual([]);
    expect(await runner(migrations).down()).toEqual([]);

    expect((await runner(migrations).up()).map((o) => o.version)).toEqual(['20260101000000', '20260201000000', '20260301000000']);
    expect(await effects()).toEqual(['20260101000000', '20260201000000', '20260301000000']);
  });

  it('refuses to revert a migration only a newer release knows', async () => {
    await runner([probe('20260101000000', 'first'), probe('20260201000000', 'newer')]).up();

    const error = await expectMigrationError(runner([probe('20260101000000', 'first')]).down(), MigrationErrorCode.UnknownApplied);

    expect(error.message).toContain('20260201000000 newer');
    expect(await effects()).toEqual(['20260101000000', '20260201000000']);
  });

  it('refuses a malformed or duplicated migration list', () => {
    expect(() => runner([probe('2026-01-01', 'first')])).toThrow('version 2026-01-01 is not YYYYMMDDhhmmss');
    expect(() => runner([probe('20260101000000', 'First one')])).toThrow('is not kebab-case');
    expect(() => runner([probe('20260101000000', 'a'), probe('20260101000000', 'b')])).toThrow('version 20260101000000 appears twice');
  });
});
