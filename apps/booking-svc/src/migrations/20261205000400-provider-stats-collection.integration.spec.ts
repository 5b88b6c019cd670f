import { migrationSpecDatabase } from '@bp/testing';
import type { StatsAccount } from '../provider-stats/infrastructure/provider-stats.store.js';
import { ProviderStatsStore } from '../provider-stats/infrastructure/provider-stats.store.js';
import type { BookingStats } from '../provider-stats/domain/booking-stats.js';
import { providerStatsCollection } from './20261205000400-provider-stats-collection.js';

const createdAt = new Date('2025-06-01T00:00:00Z');
const weeklyHours = { '1': [{ start: '09:00', end: '17:00' }] };
const settings = { mode: 'request', modeOverride: false, confirmationDeadlineHours: 24 };
const stats = (totalRequests: number) => ({
  totalRequests,
  totalConfirmed: totalRequests - 1,
  totalCompleted: 0,
  totalCancelled: 0,
  totalExpired: 1,
  totalNoShow: 0,
  totalRevenue: 10_000 * totalRequests,
  totalResponded: totalRequests,
  totalInstant: 0,
  totalProviderCancelledAfterConfirm: 0,
  responseTimeSamples: totalRequests,
  recentResponseMinutes: [30],
});
const trustScore = { score: 72, factors: { responseRate: { weight: 25, value: 90 } }, lastCalculatedAt: new Date('2026-11-30T00:00:00Z') };

/** Providers as the release before left them: stats, trust score and the events counted inside. */
const scored = {
  _id: 'scored',
  timezone: 'Europe/Berlin',
  weeklyHours,
  settings,
  stats: stats(5),
  trustScore,
  statsVersion: 7,
  statsEventIds: ['e1', 'e2'],
  version: 4,
  createdAt,
};
/** Never scored, from before statsVersion existed. */
const unscored = { _id: 'unscored', timezone: 'UTC', weeklyHours, settings, stats: stats(2), version: 1, createdAt };
const MOVED = ['stats', 'trustScore', 'statsVersion', 'statsEventIds'];
const profileOf = (provider: object) => Object.fromEntries(Object.entries(provider).filter(([key]) => !MOVED.includes(key)));

describe('booking-svc migration 20261205000400 provider-stats-collection', () => {
  const { db, connection, runner } = migrationSpecDatabase('provider_stats_migration', [providerStatsCollection], { connection: true });
  let store: ProviderStatsStore;
  const providers = () => db.collection('providers').find({}).sort({ _id: 1 }).toArray();
  const statsDocs = () => db.collection('provider_stats').find({}).sort({ _id: 1 }).toArray();

  beforeAll(async () => {
    store = new ProviderStatsStore(connection);
    await store.onModuleInit();
  });

  beforeEach(async () => {
    await db.collection('providers').insertMany([{ ...scored }, { ...unscored }] as never[]);
  });

  it('moves each provider’s stats, trust score and counted events into provider_stats, with its account date, leaving the profile', async () => {
    await runner().up();

    expect(await statsDocs()).toEqual([
      { _id: 'scored', stats: scored.stats, trustScore, statsVersion: 7, statsEventIds: ['e1', 'e2'], accountCreatedAt: createdAt },
      { _id: 'unscored', stats: unscored.stats, statsVersion: 0, statsEventIds: [], accountCreatedAt: createdAt },
    ]);
    expect(await providers()).toEqual([profileOf(scored), profileOf(unscored)]);
  });

  it('lets the current store carry on from the moved stats: an event counted before is not counted again', async () => {
    await runner().up();
    expect(await store.find('scored')).toEqual({ _id: 'scored', stats: scored.stats, trustScore });

    const accounts: StatsAccount[] = [];
    const oneMore = (s: BookingStats, account: StatsAccount) => {
      accounts.push(account);
      return { stats: { ...s, totalRequests: s.totalRequests + 1 } };
    };
    expect(await store.record('scored', oneMore, { eventId: 'e2' })).toEqual({ outcome: 'duplicate' });
    expect(await store.record('scored', oneMore, { eventId: 'e3' })).toEqual({ outcome: 'recorded', stats: { ...scored.stats, totalRequests: 6 }, trustScore });
    expect(accounts).toEqual([{ createdAt }]);
  });

  it('keeps stats the service already wrote, and changes nothing when its up runs again', async () => {
    const newer = { _id: 'scored', stats: stats(9), statsVersion: 12, statsEventIds: ['e9'], accountCreatedAt: createdAt };
    await db.collection('provider_stats').insertOne({ ...newer } as never);
    await runner().up();
    expect((await statsDocs())[0]).toEqual(newer);
    const [afterProviders, afterStats] = [await providers(), await statsDocs()];

    await providerStatsCollection.up({ db, version: providerStatsCollection.version, log: () => undefined });

    expect(await providers()).toEqual(afterProviders);
    expect(await statsDocs()).toEqual(afterStats);
  });

  it('down copies the stats as they are now back into each provider and drops provider_stats', async () => {
    await runner().up();
    await store.record('unscored', (s) => ({ stats: { ...s, totalRequests: s.totalRequests + 1 } }), { eventId: 'e7' });

    await runner().down();

    // The events counted are not carried back: the store now keeps them in `statsEvents`, which the
    // release before does not read; it reads null as none counted (a redelivery then could count twice).
    expect(await providers()).toEqual([scored, { ...unscored, stats: { ...unscored.stats, totalRequests: 3 }, statsVersion: 1, statsEventIds: null }]);
    expect((await db.listCollections({ name: 'provider_stats' }).toArray()).map((c) => c.name)).toEqual([]);
    expect((await runner().status()).map((row) => row.state)).toEqual(['pending']);

    // Down again (a crash before its record was removed) changes nothing more.
    const once = await providers();
    await providerStatsCollection.down({ db, version: providerStatsCollection.version, log: () => undefined });
    expect(await providers()).toEqual(once);
  });
});
