import type { Connection, Model } from 'mongoose';
import { uniqueSuffix, connectScratchDatabase, dropScratchDatabase } from '@bp/testing';
import { ProviderStatsStore } from '../../provider-stats/infrastructure/provider-stats.store.js';
import { BookingErrorCode } from '../../shared/domain/booking-error.js';
import { walkBucketOf } from '../../shared/infrastructure/walk-bucket.js';
import { DEFAULT_BOOKING_SETTINGS } from '../domain/booking-settings.js';
import { type Provider, defineProvider } from '../domain/provider.js';
import { ProviderRepository } from './provider.repository.js';
import { PROVIDER_MODEL, type ProviderDocument, ProviderSchema } from './provider.schema.js';

describe('ProviderRepository on the real MongoDB-compatible server', () => {
  let connection: Connection;
  let model: Model<ProviderDocument>;
  let repository: ProviderRepository;
  let stats: ProviderStatsStore;
  const newProvider = (id = `provider-${uniqueSuffix()}`) =>
    defineProvider({
      id,
      timezone: 'Europe/Berlin',
      services: [{ id: 'consult', name: 'Consultation', category: 'therapy', durationMinutes: 30, priceCents: 5000 }],
      weeklyHours: { '3': [{ start: '08:00', end: '12:00' }] },
      overrides: [{ date: '2027-01-01', windows: [] }],
    });

  beforeAll(async () => {
    connection = await connectScratchDatabase(`providers_${uniqueSuffix()}`);
    model = connection.model<ProviderDocument>(PROVIDER_MODEL, ProviderSchema);
    await model.init();
    stats = new ProviderStatsStore(connection);
    await stats.onModuleInit();
    repository = new ProviderRepository(model, stats);
  }, 60_000);

  afterAll(async () => {
    await dropScratchDatabase(connection);
  });

  it('reads back exactly what it stored, dates as dates, absent weekdays absent', async () => {
    const lastBookingAt = new Date('2026-05-01T10:00:00Z');
    const provider = { ...newProvider(), stats: { ...newProvider().stats, avgResponseTimeMinutes: 42, lastBookingAt } };
    await repository.create(provider);
    expect(await repository.findById(provider.id)).toEqual(provider);
    const raw = await connection.collection('providers').findOne({ _id: provider.id as never });
    expect(Object.keys(raw?.['weeklyHours'] ?? {})).toEqual(['3']);
    // The stats live apart from the profile, which stays small.
    expect(raw).not.toHaveProperty('stats');
    expect(await repository.findBookable(provider.id)).not.toHaveProperty('stats');
    const rawStats = await connection.collection('provider_stats').findOne({ _id: provider.id as never });
    expect(rawStats?.['stats'].lastBookingAt).toBeInstanceOf(Date);
    expect(await repository.findById('provider-missing')).toBeUndefined();
  });

  it('refuses a second provider with the same id as PROVIDER_EXISTS, leaving the first alone', async () => {
    const provider = newProvider();
    await repository.create(provider);
    await expect(repository.create({ ...provider, timezone: 'UTC' })).rejects.toMatchObject({ code: BookingErrorCode.ProviderExists });
    expect((await repository.findById(provider.id))?.timezone).toBe('Europe/Berlin');
  });

  it('bumps the version on each change and refuses a write on a stale version', async () => {
    const provider = await repository.create(newProvider());
    const changed = await repository.replaceSettings(provider.id, 1, { ...DEFAULT_BOOKING_SETTINGS, bufferMinutes: 5 });
    expect(changed).toMatchObject({ version: 2, settings: { bufferMinutes: 5 } });

    await expect(repository.replaceServices(provider.id, 1, [])).rejects.toMatchObject({ code: BookingErrorCode.VersionConflict });
    expect((await repository.findById(provider.id))?.services).toHaveLength(1);

    const rescheduled = await repository.replaceSchedule(provider.id, 2, { timezone: 'Asia/Tokyo', weeklyHours: {}, overrides: [] });
    expect(rescheduled).toMatchObject({ version: 3, timezone: 'Asia/Tokyo', schedule: { weeklyHours: {}, overrides: [] } });
    expect(await repository.setCalendarConnected(provider.id, true)).toMatchObject({ version: 4, calendarConnected: true });
  });

  it('lets exactly one of two writers on the same version win', async () => {
    const provider = await repository.create(newProvider());
    const results = await Promise.allSettled([
      repository.replaceServices(provider.id, 1, []),
      repository.replaceSettings(provider.id, 1, { ...DEFAULT_BOOKING_SETTINGS, bufferMinutes: 0 }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: BookingErrorCode.VersionConflict } });
    expect((await repository.findById(provider.id))?.version).toBe(2);
  });

  it('counts every one of many concurrent booking events exactly once, from two replicas, redeliveries included', async () => {
    const provider = await repository.create(newProvider());
    const otherReplica = new ProviderStatsStore(connection);
    await otherReplica.onModuleInit();
    const replicas = [stats, otherReplica];
    const count = (stats: Provider['stats']) => ({ stats: { ...stats, totalRequests: stats.totalRequests + 1 } });
    const events = Array.from({ length: 40 }, (_, i) => `event-${i}`);
    // Every event twice (a redelivery), half of them on the other replica.
    const outcomes = await Promise.all(
      [...events, ...events].map((eventId, i) => replicas[i % 2]!.record(provider.id, count, { eventId }).then((r) => r.outcome)),
    );
    expect(outcomes.filter((o) => o === 'recorded')).toHaveLength(40);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(40);
    // The stats document a new provider gets is in the recompute's walk.
    expect(await stats.idsInWalkBucket(walkBucketOf(provider.id))).toContain(provider.id);
    expect((await repository.findById(provider.id))?.stats.totalRequests).toBe(40);
    expect(await stats.record('provider-missing', count)).toEqual({ outcome: 'not_found' });
  });

  it('says PROVIDER_NOT_FOUND for a change to a provider that does not exist', async () => {
    await expect(repository.replaceServices('provider-missing', 1, [])).rejects.toMatchObject({ code: BookingErrorCode.ProviderNotFound });
    await expect(repository.setCalendarConnected('provider-missing', true)).rejects.toMatchObject({ code: BookingErrorCode.ProviderNotFound });
  });
});
