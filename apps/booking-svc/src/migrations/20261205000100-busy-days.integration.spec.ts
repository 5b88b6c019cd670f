import { indexNames } from '@bp/platform';
import { migrationSpecDatabase } from '@bp/testing';
import { goneEntry } from '../slots/domain/busy-day.js';
import { BusyDayStore } from '../slots/infrastructure/busy-day.store.js';
import { busyDays } from './20261205000100-busy-days.js';

const minute = 60_000;
const createdAt = new Date('2026-11-20T10:00:00Z');
const PROVIDER = 'p1';

/** A booking as the release before stored it (its audit trail still inside). */
function booking(id: string, status: string, startIso: string, fields: Record<string, unknown> = {}) {
  const start = new Date(startIso);
  return {
    _id: id,
    bookingNumber: `FH-20261120-${id.toUpperCase()}`,
    patientId: 'u1',
    providerId: PROVIDER,
    holdId: `r-${id}`,
    reservationId: `r-${id}`,
    service: { serviceId: 's1', name: 'Consult', category: 'general', durationMinutes: 30, priceCents: 10_000, currency: 'usd' },
    bookingType: 'request',
    status,
    dateTime: {
      requestedStart: start,
      requestedEnd: new Date(start.getTime() + 30 * minute),
      providerTimezone: 'America/Denver',
      patientTimezone: 'UTC',
      bufferMinutes: 15,
    },
    confirmation: { required: true },
    reschedule: { count: 0, maxAttempts: 2, history: [] },
    payment: { status: 'held', originalAmountCents: 10_000 },
    notes: {},
    audit: [{ eventType: 'created', timestamp: createdAt }],
    version: 3,
    createdAt,
    updatedAt: createdAt,
    ...fields,
  };
}

function reservation(id: string, status: string, startIso: string, expiresAt: Date) {
  const start = new Date(startIso);
  return {
    _id: id,
    providerId: PROVIDER,
    patientId: 'u2',
    serviceId: 's1',
    startTime: start,
    endTime: new Date(start.getTime() + 30 * minute),
    bufferMinutes: 15,
    status,
    expiresAt,
    version: 1,
    idempotencyKey: `k-${id}`,
    createdAt,
    outbox: [],
  };
}

/** The slot and buffer of a 30-minute appointment at `iso`. */
const taken = (iso: string) => ({ start: Date.parse(iso), end: Date.parse(iso) + 45 * minute });
const inAnHour = new Date(Date.now() + 60 * minute);
const deadline = new Date('2031-02-02T12:00:00Z');

const seededBookings = [
  booking('pending', 'pending_confirmation', '2031-02-03T10:00:00Z'),
  // Moved by an accepted reschedule from 14:00 on the 3rd to 09:00 on the 4th.
  booking('moved', 'confirmed', '2031-02-03T14:00:00Z', {
    dateTime: {
      ...booking('x', 'x', '2031-02-03T14:00:00Z').dateTime,
      confirmedStart: new Date('2031-02-04T09:00:00Z'),
      confirmedEnd: new Date('2031-02-04T09:30:00Z'),
    },
    reschedule: {
      count: 1,
      maxAttempts: 2,
      history: [
        {
          attemptNumber: 1,
          fromStart: new Date('2031-02-03T14:00:00Z'),
          fromEnd: new Date('2031-02-03T14:30:00Z'),
          toStart: new Date('2031-02-04T09:00:00Z'),
          toEnd: new Date('2031-02-04T09:30:00Z'),
          proposedBy: 'provider',
          proposedAt: createdAt,
          respondedAt: createdAt,
          accepted: true,
        },
      ],
    },
    version: 6,
  }),
  // An open proposal: its current slot and the proposed one (on the 5th, until the deadline).
  booking('proposing', 'reschedule_proposed', '2031-02-03T16:00:00Z', {
    reschedule: {
      count: 1,
      maxAttempts: 2,
      current: {
        proposedBy: 'provider',
        proposedAt: createdAt,
        proposedStart: new Date('2031-02-05T11:00:00Z'),
        proposedEnd: new Date('2031-02-05T11:30:00Z'),
        responseDeadline: deadline,
        holdId: 'proposal-hold',
      },
      history: [],
    },
  }),
  // Takes no time: cancelled.
  booking('cancelled', 'cancelled_patient', '2031-02-03T12:00:00Z'),
  // From before the request flow (no dateTime, no reschedule): nothing to project, nothing to fail on.
  { _id: 'legacy', bookingNumber: 'BK-1', providerId: PROVIDER, status: 'confirmed', createdAt },
];
const seededReservations = [
  reservation('active', 'active', '2031-02-03T18:00:00Z', inAnHour),
  reservation('expired', 'expired', '2031-02-03T19:00:00Z', createdAt),
  reservation('converted', 'converted', '2031-02-03T10:00:00Z', createdAt),
];

describe('booking-svc migration 20261205000100 busy-days', () => {
  const { db, connection, runner } = migrationSpecDatabase('busy_days_migration', [busyDays], { connection: true });
  const days = () => db.collection('busy_days').find({}).sort({ _id: 1 }).toArray();
  const sources = async () => [
    await db.collection('bookings').find({}).sort({ _id: 1 }).toArray(),
    await db.collection('slot_reservations').find({}).sort({ _id: 1 }).toArray(),
  ];
  /** Availability as the current release reads it (a fresh store each time: no month cached). */
  const busyOn = async (day: string, readAt = new Date()) => {
    const store = new BusyDayStore(connection);
    await store.onModuleInit();
    const spans = await store.busyBetween(PROVIDER, new Date(`${day}T00:00:00Z`), new Date(`${day}T23:59:59.999Z`), readAt);
    return spans.sort((a, b) => a.start - b.start);
  };

  beforeEach(async () => {
    await db.collection('bookings').insertMany(seededBookings.map((b) => ({ ...b })) as never[]);
    await db.collection('slot_reservations').insertMany(seededReservations.map((r) => ({ ...r })) as never[]);
  });

  it('builds the busy days from the bookings that hold their slot and the live reservations', async () => {
    const before = await sources();
    await runner().up();
    // (Before the store below, which makes the same index at boot.)
    expect(await indexNames(db, 'busy_days')).toContain('month_1');

    expect(await busyOn('2031-02-03')).toEqual([taken('2031-02-03T10:00:00Z'), taken('2031-02-03T16:00:00Z'), taken('2031-02-03T18:00:00Z')]);
    expect(await busyOn('2031-02-04')).toEqual([taken('2031-02-04T09:00:00Z')]);
    expect(await busyOn('2031-02-05')).toEqual([taken('2031-02-05T11:00:00Z')]);
    // The proposal lapses at its deadline, the reservation at its expiry.
    expect(await busyOn('2031-02-05', deadline)).toEqual([]);
    expect(await busyOn('2031-02-03', inAnHour)).toEqual([taken('2031-02-03T10:00:00Z'), taken('2031-02-03T16:00:00Z')]);

    expect((await days()).map((d) => [d['_id'], d['providerId'], d['month'], d['v']])).toEqual([
      [`${PROVIDER}|2031-02-03`, PROVIDER, `${PROVIDER}|2031-02`, 1],
      [`${PROVIDER}|2031-02-04`, PROVIDER, `${PROVIDER}|2031-02`, 1],
      [`${PROVIDER}|2031-02-05`, PROVIDER, `${PROVIDER}|2031-02`, 1],
    ]);
    // The bookings and reservations it read are as they were.
    expect(await sources()).toEqual(before);
  });

  it('changes nothing when its up runs again, nor undoes what the service projected since', async () => {
    await runner().up();
    const once = await days();
    await busyDays.up({ db, version: busyDays.version, log: () => undefined });
    expect(await days()).toEqual(once);

    // The service projects the pending booking's cancellation (version 4); the migration's version 3 runs again.
    const store = new BusyDayStore(connection);
    await store.onModuleInit();
    const { start, end } = taken('2031-02-03T10:00:00Z');
    await store.apply({ providerId: PROVIDER, entries: [goneEntry(`b:pending:${start}`, new Date(start), new Date(end), 4, new Date())] });
    await busyDays.up({ db, version: busyDays.version, log: () => undefined });

    expect(await busyOn('2031-02-03')).toEqual([taken('2031-02-03T16:00:00Z'), taken('2031-02-03T18:00:00Z')]);
  });

  it('down drops busy_days and its index, leaving the bookings and reservations as they were', async () => {
    const before = await sources();
    await runner().up();

    await runner().down();

    expect((await db.listCollections({ name: 'busy_days' }).toArray()).map((c) => c.name)).toEqual([]);
    expect(await indexNames(db, 'busy_days')).toEqual([]);
    expect(await sources()).toEqual(before);
    expect((await runner().status()).map((row) => row.state)).toEqual(['pending']);

    // And up again builds the same days.
    await runner().up();
    expect(await busyOn('2031-02-04')).toEqual([taken('2031-02-04T09:00:00Z')]);
  });
});
