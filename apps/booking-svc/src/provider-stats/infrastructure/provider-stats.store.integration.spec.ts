import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import type { Connection } from 'mongoose';
import { uniqueSuffix, connectScratchDatabase, dropScratchDatabase } from '@bp/testing';
import { RecordBookingOutcomeUseCase } from '../application/record-booking-outcome.use-case.js';
import { EMPTY_BOOKING_STATS } from '../domain/booking-stats.js';
import { PROVIDER_STATS_COLLECTION, type ProviderStatsDocument, ProviderStatsStore, compactEventId } from './provider-stats.store.js';

const oneMoreRequest = (stats: typeof EMPTY_BOOKING_STATS) => ({ stats: { ...stats, totalRequests: stats.totalRequests + 1 } });

describe('ProviderStatsStore on the real MongoDB-compatible server', () => {
  let connection: Connection;
  /** A store as one replica of booking-svc holds it (its own batches and memory of what it wrote). */
  const replica = async () => {
    const store = new ProviderStatsStore(connection);
    await store.onModuleInit();
    return store;
  };
  const documents = () => connection.collection<ProviderStatsDocument>(PROVIDER_STATS_COLLECTION);
  const requestsOf = async (providerId: string) => (await documents().findOne({ _id: providerId }))?.stats.totalRequests;

  beforeAll(async () => {
    connection = await connectScratchDatabase(`provider_stats_${uniqueSuffix()}`);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  afterAll(async () => {
    await dropScratchDatabase(connection);
  });

  it('counts an event once, whichever replica sees it again, and keeps the ids it remembers in one short string', async () => {
    const providerId = `provider-${randomUUID()}`;
    const [first, second] = [await replica(), await replica()];
    await first.create(providerId, new Date('2030-01-01T00:00:00Z'));
    const events = [randomUUID(), randomUUID(), 'not-a-uuid'];

    for (const eventId of events) expect(await first.record(providerId, oneMoreRequest, { eventId })).toMatchObject({ outcome: 'recorded' });
    for (const eventId of events) expect(await second.record(providerId, oneMoreRequest, { eventId })).toEqual({ outcome: 'duplicate' });
    expect(await first.record(providerId, oneMoreRequest, { eventId: events[0]! })).toEqual({ outcome: 'duplicate' });

    expect(await requestsOf(providerId)).toBe(3);
    const stored = await documents().findOne({ _id: providerId });
    expect(stored?.statsEvents).toBe(events.map(compactEventId).join(' '));
    expect(stored).not.toHaveProperty('statsEventIds');
    expect(compactEventId(events[0]!)).toHaveLength(22);
  });

  it('reads the list of ids a document written before kept, counts none of them again, and keeps them in the string', async () => {
    const providerId = `provider-${randomUUID()}`;
    const earlier = randomUUID();
    await documents().insertOne({
      _id: providerId,
      stats: { ...EMPTY_BOOKING_STATS, totalRequests: 1 },
      statsVersion: 4,
      statsEventIds: [earlier, 'e1'],
      walkBucket: 0,
    });
    const store = await replica();

    expect(await store.record(providerId, oneMoreRequest, { eventId: earlier })).toEqual({ outcome: 'duplicate' });
    expect(await store.record(providerId, oneMoreRequest, { eventId: 'e1' })).toEqual({ outcome: 'duplicate' });
    const later = randomUUID();
    expect(await store.record(providerId, oneMoreRequest, { eventId: later })).toMatchObject({ outcome: 'recorded' });
    expect(await requestsOf(providerId)).toBe(2);
    expect((await documents().findOne({ _id: providerId }))?.statsEvents).toBe([earlier, 'e1', later].map(compactEventId).join(' '));
  });

  it('answers whether a booking event changed the stats: one that counts once, none for one that counts nothing or again', async () => {
    const providerId = `provider-${randomUUID()}`;
    const store = await replica();
    await store.create(providerId, new Date('2030-01-01T00:00:00Z'));
    const record = new RecordBookingOutcomeUseCase(store);
    const event = (reason: string, eventId: string) => ({
      providerId,
      bookingId: 'b-1',
      facts: { reason, bookingType: 'request' as const, previousStatus: 'pending_payment', status: 'pending_confirmation', priceCents: 10_000 },
      times: {},
      eventId,
      occurredAt: new Date('2030-02-01T00:00:00Z'),
    });
    const held = randomUUID();

    expect(await record.execute(event('created', randomUUID()))).toBe(false);
    expect(await record.execute(event('payment_held', held))).toBe(true);
    expect(await record.execute(event('payment_held', held))).toBe(false);
    expect(await requestsOf(providerId)).toBe(1);
  });

  it('writes again from what it last wrote, and reads the document back only when another replica wrote it since', async () => {
    const providerId = `provider-${randomUUID()}`;
    const [first, second] = [await replica(), await replica()];
    await first.create(providerId, new Date('2030-01-01T00:00:00Z'));
    const reads = jest.spyOn(documents(), 'findOne');
    const readsOfProvider = () => reads.mock.calls.filter(([filter]) => (filter as { _id?: string })._id === providerId).length;

    await first.record(providerId, oneMoreRequest, { eventId: randomUUID() });
    await first.record(providerId, oneMoreRequest, { eventId: randomUUID() });
    expect(readsOfProvider()).toBe(1);

    await second.record(providerId, oneMoreRequest, { eventId: randomUUID() });
    await first.record(providerId, oneMoreRequest, { eventId: randomUUID() });
    expect(await requestsOf(providerId)).toBe(4);
  });
});
