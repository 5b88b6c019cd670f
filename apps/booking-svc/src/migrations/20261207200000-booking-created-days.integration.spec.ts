import { indexNames } from '@bp/platform';
import { migrationSpecDatabase } from '@bp/testing';
import { bookingCreatedDays } from './20261207200000-booking-created-days.js';

describe(`booking-svc migration ${bookingCreatedDays.version} ${bookingCreatedDays.name}`, () => {
  const { db, runner } = migrationSpecDatabase('booking_created_days', [bookingCreatedDays]);
  const createdAt = {
    'b-new': new Date('2026-12-07T23:59:59.999Z'),
    'b-mid': new Date('2026-11-02T00:00:00.000Z'),
    'b-old': new Date('2025-01-31T12:00:00.000Z'),
  };
  const days = async () =>
    Object.fromEntries((await db.collection('bookings').find({}).toArray()).map((b) => [String(b._id), b['createdDay'] as string | undefined]));
  const oldest = async () => (await db.collection('booking_created_days').findOne({ _id: 'oldest' as never }))?.['day'] as string | undefined;

  beforeEach(async () => {
    // Bookings an older release wrote, without the field.
    await db.collection('bookings').insertMany(Object.entries(createdAt).map(([id, at]) => ({ _id: id, status: 'confirmed', createdAt: at })) as never[]);
  });

  it('gives every booking the UTC day it was created on, indexes it and records the oldest day', async () => {
    await runner().up();

    expect(await days()).toEqual({ 'b-new': '2026-12-07', 'b-mid': '2026-11-02', 'b-old': '2025-01-31' });
    expect(await oldest()).toBe('2025-01-31');
    expect(await indexNames(db, 'bookings')).toContain('createdDay_1');
    expect((await db.collection('bookings').find({ createdDay: '2026-11-02' }).toArray()).map((b) => b._id)).toEqual(['b-mid']);
  });

  it('only lowers an oldest day a running service recorded, and leaves a day already set alone', async () => {
    // A new release wrote a booking (and the oldest day before it) before the migration ran.
    await db.collection('booking_created_days').insertOne({ _id: 'oldest', day: '2026-12-06' } as never);
    await db.collection('bookings').updateOne({ _id: 'b-new' as never }, { $set: { createdDay: '2026-12-07' } });
    await runner().up();
    expect(await oldest()).toBe('2025-01-31');
    const once = await days();
    await bookingCreatedDays.up({ db, version: bookingCreatedDays.version, log: () => undefined });
    expect(await days()).toEqual(once);
    expect(await oldest()).toBe('2025-01-31');
  });

  it('down removes the field, the index and the oldest day', async () => {
    await runner().up();
    await runner().down();
    expect(Object.values(await days()).every((d) => d === undefined)).toBe(true);
    expect(await indexNames(db, 'bookings')).not.toContain('createdDay_1');
    expect(await oldest()).toBeUndefined();
  });
});
