import { indexNames } from '@bp/platform';
import { migrationSpecDatabase } from '@bp/testing';
import { BookingRepository } from '../bookings/infrastructure/booking.repository.js';
import { BOOKING_MODEL, type BookingDocument, BookingSchema } from '../bookings/infrastructure/booking.schema.js';
import { bookingAuditCollection } from './20261205000300-booking-audit-collection.js';

const at = (minutes: number) => new Date(Date.parse('2026-11-20T10:00:00Z') + minutes * 60_000);
const patient = { type: 'patient', id: 'u1' };
const entry = (eventType: string, minutes: number, previousStatus: string, newStatus: string) => ({
  eventType,
  previousStatus,
  newStatus,
  actor: patient,
  context: { source: 'api' },
  timestamp: at(minutes),
});
const trail = [
  entry('created', 0, 'slot_reserved', 'pending_payment'),
  entry('payment_held', 1, 'pending_payment', 'pending_confirmation'),
  entry('confirmed', 2, 'pending_confirmation', 'pending_confirmation'),
];

/** A booking as the release before stored it: its trail inside, one entry per change (entry i is version i + 1). */
const withTrail = { _id: 'b1', bookingNumber: 'FH-1', providerId: 'p1', status: 'pending_confirmation', version: 3, audit: trail, createdAt: at(0) };
/** From before the request flow: an empty trail (the first migration gave it one). */
const emptyTrail = { _id: 'b2', bookingNumber: 'BK-2', providerId: 'p1', status: 'confirmed', version: 1, audit: [], createdAt: at(0) };
/** Written by the current release: no trail inside, its entries already in booking_audit (two at version 2). */
const current = { _id: 'b3', bookingNumber: 'FH-3', providerId: 'p1', status: 'cancelled_patient', version: 2, createdAt: at(0) };
const currentEntries = [
  { _id: 'b3:1:0', bookingId: 'b3', version: 1, n: 0, ...entry('created', 0, 'slot_reserved', 'pending_payment') },
  { _id: 'b3:2:0', bookingId: 'b3', version: 2, n: 0, ...entry('cancelled', 5, 'pending_payment', 'cancelled_patient') },
  { _id: 'b3:2:1', bookingId: 'b3', version: 2, n: 1, ...entry('hold_released', 5, 'cancelled_patient', 'cancelled_patient') },
];

describe('booking-svc migration 20261205000300 booking-audit-collection', () => {
  // No schema indexes: this spec drops the database between tests.
  const { db, connection, runner } = migrationSpecDatabase('booking_audit_migration', [bookingAuditCollection], {
    connection: { autoIndex: false, autoCreate: false },
  });
  let repository: BookingRepository;
  const bookings = () => db.collection('bookings').find({}).sort({ _id: 1 }).toArray();
  const auditDocs = () => db.collection('booking_audit').find({}).sort({ _id: 1 }).toArray();
  const without = <T extends object>(doc: T, field: string) => Object.fromEntries(Object.entries(doc).filter(([key]) => key !== field));

  beforeAll(async () => {
    // Only the trail is read here; the relay is for writes.
    repository = new BookingRepository(connection.model<BookingDocument>(BOOKING_MODEL, BookingSchema), undefined as never);
  });

  beforeEach(async () => {
    await db.collection('bookings').insertMany([{ ...withTrail }, { ...current }] as never[]);
    await db.collection('booking_audit').insertMany(currentEntries.map((e) => ({ ...e })) as never[]);
  });

  it('moves each trail into booking_audit under the ids the service gives them, and takes it out of the booking', async () => {
    await db.collection('bookings').insertOne({ ...emptyTrail } as never);
    await runner().up();

    expect(await auditDocs()).toEqual([...trail.map((e, i) => ({ _id: `b1:${i + 1}:0`, bookingId: 'b1', version: i + 1, n: 0, ...e })), ...currentEntries]);
    expect(await bookings()).toEqual([without(withTrail, 'audit'), without(emptyTrail, 'audit'), current]);
    expect(await indexNames(db, 'booking_audit')).toContain('bookingId_1');
    // The current release reads the same trails, oldest first.
    expect(await repository.auditTrail('b1')).toEqual(trail);
    expect(await repository.auditTrail('b2')).toEqual([]);
    expect((await repository.auditTrail('b3')).map((e) => e.eventType)).toEqual(['created', 'cancelled', 'hold_released']);
  });

  it('changes nothing when its up runs again', async () => {
    await runner().up();
    const [afterBookings, afterAudit] = [await bookings(), await auditDocs()];

    await bookingAuditCollection.up({ db, version: bookingAuditCollection.version, log: () => undefined });

    expect(await bookings()).toEqual(afterBookings);
    expect(await auditDocs()).toEqual(afterAudit);
  });

  it('finishes a move a crash interrupted: entries already copied are not copied twice', async () => {
    // The first two entries reached booking_audit, then the process died before the booking was updated.
    await db
      .collection('booking_audit')
      .insertMany(trail.slice(0, 2).map((e, i) => ({ _id: `b1:${i + 1}:0`, bookingId: 'b1', version: i + 1, n: 0, ...e })) as never[]);

    await runner().up();

    expect((await auditDocs()).filter((d) => d['bookingId'] === 'b1').map((d) => d._id)).toEqual(['b1:1:0', 'b1:2:0', 'b1:3:0']);
    expect(await repository.auditTrail('b1')).toEqual(trail);
  });

  it('down puts every booking’s entries back into its trail in order, also those written since, and drops booking_audit', async () => {
    await runner().up();
    // The service changed b1 since: its version-4 entry went to booking_audit.
    const declined = entry('declined', 9, 'pending_confirmation', 'cancelled_provider');
    await db.collection('bookings').updateOne({ _id: 'b1' as never }, { $set: { version: 4, status: 'cancelled_provider' } });
    await db.collection('booking_audit').insertOne({ _id: 'b1:4:0', bookingId: 'b1', version: 4, n: 0, ...declined } as never);

    await runner().down();

    const strip = ({ _id, bookingId: _b, version: _v, n: _n, ...e }: (typeof currentEntries)[number]) => e;
    expect(await bookings()).toEqual([
      { ...withTrail, version: 4, status: 'cancelled_provider', audit: [...trail, declined] },
      { ...current, audit: currentEntries.map(strip) },
    ]);
    expect((await db.listCollections({ name: 'booking_audit' }).toArray()).map((c) => c.name)).toEqual([]);
    expect(await indexNames(db, 'booking_audit')).toEqual([]);
    expect((await runner().status()).map((row) => row.state)).toEqual(['pending']);
  });

  it('down gives a booking without entries an empty trail, which the release before appends to', async () => {
    await db
      .collection('bookings')
      .insertOne({ _id: 'b-empty', bookingNumber: 'FH-9', providerId: 'p1', status: 'confirmed', version: 1, audit: [], createdAt: at(0) } as never);
    await runner().up();
    await runner().down();

    expect((await db.collection('bookings').findOne({ _id: 'b-empty' as never }))?.['audit']).toEqual([]);
  });
});
