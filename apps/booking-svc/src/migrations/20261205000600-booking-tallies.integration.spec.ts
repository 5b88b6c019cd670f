import { indexNames } from '@bp/platform';
import { migrationSpecDatabase } from '@bp/testing';
import { BookingTallyQuery } from '../bookings/application/booking-tally.query.js';
import { talliesOf } from '../bookings/domain/booking-tallies.js';
import { BookingTallyStore } from '../bookings/infrastructure/booking-tally.store.js';
import { bookingTallies } from './20261205000600-booking-tallies.js';

const hour = 3_600_000;
const day = 24 * hour;
const now = new Date();
const soon = new Date(now.getTime() + hour);
const later = new Date(now.getTime() + 10 * hour);
const twoDaysAgo = new Date(now.getTime() - 2 * day);
const fortyDaysAgo = new Date(now.getTime() - 40 * day);

/** A booking as the release before stored it (with the fields the tallies read). */
function booking(id: string, providerId: string, status: string, confirmation: Record<string, unknown> | undefined, updatedAt = now) {
  return {
    _id: id,
    bookingNumber: `FH-${id}`,
    providerId,
    status,
    bookingType: 'request',
    ...(confirmation ? { confirmation } : {}),
    notes: {},
    audit: [],
    version: 2,
    createdAt: fortyDaysAgo,
    updatedAt,
  };
}

const seededBookings = [
  booking('waiting-soon', 'p1', 'pending_confirmation', { required: true, expiresAt: soon }),
  booking('waiting-later', 'p1', 'pending_confirmation', { required: true, expiresAt: later }),
  booking('waiting-p2', 'p2', 'pending_confirmation', { required: true, expiresAt: soon }),
  // Answered (the capture is on its way): no longer waiting.
  booking('answered', 'p2', 'pending_confirmation', { required: true, expiresAt: soon, responseType: 'confirmed' }),
  booking('expired-recently', 'p1', 'expired', { required: true, expiresAt: twoDaysAgo, responseType: 'expired' }, twoDaysAgo),
  // Expired too long ago to matter to any tally.
  booking('expired-long-ago', 'p2', 'expired', { required: true, responseType: 'expired' }, fortyDaysAgo),
  // From before the request flow: no confirmation at all.
  booking('legacy', 'p2', 'expired', undefined, twoDaysAgo),
  booking('confirmed', 'p1', 'confirmed', { required: true, responseType: 'confirmed' }),
];

describe('booking-svc migration 20261205000600 booking-tallies', () => {
  const { db, connection, runner } = migrationSpecDatabase('booking_tallies_migration', [bookingTallies], { connection: true });
  let store: BookingTallyStore;
  let query: BookingTallyQuery;
  const counters = () => db.collection('booking_tallies').find({}).sort({ _id: 1 }).toArray();
  const markers = () => db.collection('booking_tally_markers').find({}).sort({ _id: 1 }).toArray();
  const bookings = () => db.collection('bookings').find({}).sort({ _id: 1 }).toArray();
  const tallies = async () => ({
    pending: await query.pending(now),
    byProvider: Object.fromEntries(await query.pendingByProvider()),
    expiredRecently: await query.expiredOn(twoDaysAgo.toISOString().slice(0, 10)),
    expiredByProvider: Object.fromEntries(await query.expiredByProviderSince(new Date(now.getTime() - 30 * day))),
  });

  beforeAll(async () => {
    store = new BookingTallyStore(connection);
    // Before the first test drops the database: the indexes it makes are the migration's to make.
    await store.onModuleInit();
    query = new BookingTallyQuery(store);
  });

  beforeEach(async () => {
    await db.collection('bookings').insertMany(seededBookings.map((b) => ({ ...b })) as never[]);
  });

  it('counts the waiting requests and the requests expired in the last month, as the current release reads them', async () => {
    const before = await bookings();
    await runner().up();

    expect(await tallies()).toEqual({
      pending: { pendingCount: 3, expiringSoonCount: 2 },
      byProvider: { p1: 2, p2: 1 },
      expiredRecently: 1,
      expiredByProvider: { p1: 1 },
    });
    expect((await markers()).map((m) => m._id)).toEqual(['expired|expired-recently', 'pending|waiting-later', 'pending|waiting-p2', 'pending|waiting-soon']);
    expect((await markers())[0]).toMatchObject({ day: twoDaysAgo.toISOString().slice(0, 10) });
    expect(await indexNames(db, 'booking_tallies')).toContain('kind_1');
    expect(await bookings()).toEqual(before);
  });

  it('counts nothing twice when its up runs again, nor when the service projects the same bookings after it', async () => {
    await runner().up();
    const once = await counters();

    await bookingTallies.up({ db, version: bookingTallies.version, log: () => undefined });
    const waiting = {
      id: 'waiting-soon',
      providerId: 'p1',
      status: 'pending_confirmation' as const,
      confirmation: { required: true, expiresAt: soon },
      updatedAt: now,
    };
    await store.reconcile('waiting-soon', talliesOf(waiting), ['pending', 'expired']);

    expect(await counters()).toEqual(once);
    // And the service takes a booking out once it is answered.
    await store.reconcile('waiting-soon', [], ['pending']);
    expect((await tallies()).byProvider).toEqual({ p1: 1, p2: 1 });
  });

  it('down drops the markers and the counters, leaving the bookings as they were', async () => {
    const before = await bookings();
    await runner().up();

    await runner().down();

    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names).not.toContain('booking_tallies');
    expect(names).not.toContain('booking_tally_markers');
    expect(await indexNames(db, 'booking_tallies')).toEqual([]);
    expect(await bookings()).toEqual(before);
    expect((await runner().status()).map((row) => row.state)).toEqual(['pending']);

    // And up again counts the same.
    await runner().up();
    expect((await tallies()).pending).toEqual({ pendingCount: 3, expiringSoonCount: 2 });
  });
});
