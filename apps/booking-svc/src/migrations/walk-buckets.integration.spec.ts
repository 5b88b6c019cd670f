import { indexNames } from '@bp/platform';
import { migrationSpecDatabase } from '@bp/testing';
import { WALK_BUCKETS, walkBucketOf } from '../shared/infrastructure/walk-bucket.js';
import { providerWalkBuckets } from './20261205000700-provider-walk-buckets.js';
import { providerStatsWalkBuckets } from './20261206000000-provider-stats-walk-buckets.js';

describe.each([
  { migration: providerWalkBuckets, collection: 'providers' },
  { migration: providerStatsWalkBuckets, collection: 'provider_stats' },
])('booking-svc migration $migration.version $migration.name', ({ migration, collection }) => {
  const { db, runner } = migrationSpecDatabase('booking_walk', [migration]);
  const buckets = async () =>
    Object.fromEntries((await db.collection(collection).find({}).toArray()).map((p) => [String(p._id), p['walkBucket'] as number | undefined]));
  const ids = Array.from({ length: 40 }, (_, i) => `provider-${i}`);

  beforeEach(async () => {
    // Providers an older release wrote, without the field.
    await db.collection(collection).insertMany(ids.map((id) => ({ _id: id, timezone: 'UTC' })) as never[]);
  });

  it('gives every provider the bucket the service computes, spread over the buckets, and indexes it', async () => {
    await runner().up();

    expect(await buckets()).toEqual(Object.fromEntries(ids.map((id) => [id, walkBucketOf(id)])));
    const used = new Set(Object.values(await buckets()));
    expect([...used].every((b) => Number.isInteger(b) && b! >= 0 && b! < WALK_BUCKETS)).toBe(true);
    expect(used.size).toBeGreaterThan(20); // 40 ids over 64 buckets: a hash, not one bucket for all
    expect(await indexNames(db, collection)).toContain('walkBucket_1');
    // Each bucket's providers are found by equality.
    const first = walkBucketOf(ids[0]!);
    expect((await db.collection(collection).find({ walkBucket: first }).toArray()).map((p) => p._id)).toContain(ids[0]);
  });

  it('changes nothing the second time and leaves a bucket already set alone', async () => {
    await db.collection(collection).updateOne({ _id: 'provider-0' as never }, { $set: { walkBucket: walkBucketOf('provider-0') } });
    await runner().up();
    const once = await buckets();
    await migration.up({ db, version: migration.version, log: () => undefined });
    expect(await buckets()).toEqual(once);
  });

  it('down removes the field and the index', async () => {
    await runner().up();
    await runner().down();
    expect(Object.values(await buckets()).every((b) => b === undefined)).toBe(true);
    expect(await indexNames(db, collection)).not.toContain('walkBucket_1');
  });
});
