import type { Connection } from 'mongoose';
import { uniqueSuffix, connectScratchDatabase, dropScratchDatabase } from '@bp/testing';
import { type TallyMembership, talliesOf } from '../domain/booking-tallies.js';
import { BookingTallyStore } from './booking-tally.store.js';

describe('BookingTallyStore on the real MongoDB-compatible server', () => {
  let connection: Connection;
  let store: BookingTallyStore;
  const deadline = new Date('2030-01-01T10:20:00Z');
  const pending = (id: string, providerId = 'p1') =>
    talliesOf({ id, providerId, status: 'pending_confirmation', confirmation: { required: true, expiresAt: deadline }, updatedAt: new Date() });
  const count = async (id: string) => (await connection.collection('booking_tallies').findOne({ _id: id as never }))?.['n'] ?? 0;

  beforeAll(async () => {
    connection = await connectScratchDatabase(`tallies_${uniqueSuffix()}`);
    store = new BookingTallyStore(connection);
    await store.onModuleInit();
  });

  afterAll(async () => {
    await dropScratchDatabase(connection);
  });

  it('counts a booking once however often its projection runs, and takes it off once when it leaves', async () => {
    const [membership] = pending('b1') as [TallyMembership];
    expect(membership.counters.map((c) => c.id)).toEqual(['pending-quarter|2030-01-01T10:15:00.000Z', 'pending-provider|p1']);
    await Promise.all([store.enter(membership), store.enter(membership), store.reconcile('b1', [membership], ['pending', 'expired'])]);
    expect(await count('pending-quarter|2030-01-01T10:15:00.000Z')).toBe(1);
    expect(await count('pending-provider|p1')).toBe(1);

    // Many bookings entering the same counters at once, each counted once.
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.enter(pending(`m${i}`)[0]!)));
    expect(await count('pending-provider|p1')).toBe(21);

    await store.reconcile('b1', [], ['pending', 'expired']);
    await store.reconcile('b1', [], ['pending', 'expired']);
    expect(await count('pending-provider|p1')).toBe(20);
    expect((await store.read('pending-quarter')).map((q) => q.n)).toEqual([20]);
  });

  it('counts an expiry on its day and per provider, and prunes days past the cutoff', async () => {
    const old = talliesOf({ id: 'e1', providerId: 'p2', status: 'expired', confirmation: { required: true }, updatedAt: new Date('2030-01-01T12:00:00Z') });
    const recent = talliesOf({ id: 'e2', providerId: 'p2', status: 'expired', confirmation: { required: true }, updatedAt: new Date('2030-02-01T12:00:00Z') });
    await store.reconcile('e1', old, ['pending', 'expired']);
    await store.reconcile('e2', recent, ['pending', 'expired']);
    expect(await count('expired-day|2030-01-01')).toBe(1);
    expect(await count('expired-provider-day|p2|2030-02-01')).toBe(1);
    await store.prune(new Date('2030-01-20T00:00:00Z'), new Date('2030-02-01T12:00:00Z'));
    expect(await count('expired-day|2030-01-01')).toBe(0);
    expect(await count('expired-day|2030-02-01')).toBe(1);
    expect(await connection.collection('booking_tally_markers').countDocuments({ _id: 'expired|e1' as never })).toBe(0);
  });
});
