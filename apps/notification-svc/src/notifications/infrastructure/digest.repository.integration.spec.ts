import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { uniqueSuffix, connectScratchDatabase, dropScratchDatabase } from '@bp/testing';
import { type Digest, DigestRepository } from './digest.repository.js';

describe('DigestRepository on the real MongoDB-compatible server', () => {
  let connection: Connection;
  let repository: DigestRepository;
  const digests = () => connection.collection<Digest>('digests');

  beforeAll(async () => {
    connection = await connectScratchDatabase(`digests_${uniqueSuffix()}`);
    repository = new DigestRepository(connection);
    repository.onModuleInit();
  });

  afterAll(async () => {
    await dropScratchDatabase(connection);
  });

  it('puts a provider’s requests that arrive at the same moment into one digest, and a repeat of one not again', async () => {
    const providerId = `provider-${randomUUID()}`;
    const now = new Date('2030-03-10T10:20:00Z');
    const items = Array.from({ length: 12 }, (_, i) => ({ eventId: randomUUID(), bookingId: `booking-${i}` }));

    // Different bookings' events are handled at once; one event's repeat comes after it (same key, same order).
    const ids = await Promise.all(items.map((item) => repository.add(providerId, 'hourly', 'UTC', item, now)));
    ids.push(await repository.add(providerId, 'hourly', 'UTC', items[0]!, now));

    expect(new Set(ids).size).toBe(1);
    const stored = await digests().find({ providerId }).toArray();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.items.map((item) => item.eventId).sort()).toEqual(items.map((item) => item.eventId).sort());
    expect(stored[0]).toMatchObject({ status: 'open', periodStart: new Date('2030-03-10T10:00:00Z'), periodEnd: new Date('2030-03-10T11:00:00Z') });
  });

  it('puts a request that arrives while the period’s digest is being sent into the next period', async () => {
    const providerId = `provider-${randomUUID()}`;
    const now = new Date('2030-03-10T10:59:59Z');
    const first = await repository.add(providerId, 'hourly', 'UTC', { eventId: randomUUID(), bookingId: 'b1' }, now);
    await digests().updateOne({ _id: first }, { $set: { status: 'closing' } });

    const second = await repository.add(providerId, 'hourly', 'UTC', { eventId: randomUUID(), bookingId: 'b2' }, now);

    expect(second).not.toBe(first);
    expect(await digests().findOne({ _id: second })).toMatchObject({ status: 'open', periodStart: new Date('2030-03-10T11:00:00Z') });
  });
});
