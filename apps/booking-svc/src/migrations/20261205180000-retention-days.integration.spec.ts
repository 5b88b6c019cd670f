import { utcDayOf } from '@bp/platform';
import { aWeekAgoDay, dayFields, daysAgo, migrationSpecDatabase } from '@bp/testing';
import { bookingRetentionDays } from './20261205180000-retention-days.js';

/** As the release before left them: no day on reservations; inbox and idempotency days as old as the records. */
const seededReservations = [
  { _id: 'converted', status: 'converted', createdAt: daysAgo(4), expiresAt: daysAgo(4) },
  { _id: 'expired', status: 'expired', createdAt: daysAgo(2), expiresAt: daysAgo(2) },
  { _id: 'ancient', status: 'expired', createdAt: daysAgo(300), expiresAt: daysAgo(300) },
  // Active: holding its slot, or lapsed and not yet marked by the cleanup (it gets its day then).
  { _id: 'holding', status: 'active', createdAt: daysAgo(0), expiresAt: new Date(Date.now() + 300_000) },
  { _id: 'lapsed', status: 'active', createdAt: daysAgo(50), expiresAt: daysAgo(50) },
];
const seededInbox = [{ _id: 'g:old', processedAt: daysAgo(90), day: utcDayOf(daysAgo(90)) }];
const seededRecords = [
  { _id: 'k:old', createdAt: daysAgo(45), day: utcDayOf(daysAgo(45)) },
  { _id: 'k:new', createdAt: daysAgo(0), day: utcDayOf(daysAgo(0)) },
];

describe('booking-svc migration 20261205180000 retention-days', () => {
  const { db, runner } = migrationSpecDatabase('booking_retention_migration', [bookingRetentionDays]);
  const days = (collection: string) => dayFields(db, collection);

  beforeEach(async () => {
    await db.collection('slot_reservations').insertMany(seededReservations.map((r) => ({ ...r })) as never[]);
    await db.collection('inbox').insertMany(seededInbox.map((e) => ({ ...e })) as never[]);
    await db.collection('idempotency_records').insertMany(seededRecords.map((r) => ({ ...r })) as never[]);
  });

  it('gives ended reservations the day they ended (none older than a week), active ones none, and raises older inbox and idempotency days', async () => {
    await runner().up();

    expect(await days('slot_reservations')).toEqual({
      converted: utcDayOf(seededReservations[0]!.expiresAt),
      expired: utcDayOf(seededReservations[1]!.expiresAt),
      ancient: aWeekAgoDay(),
      holding: undefined,
      lapsed: undefined,
    });
    expect(await days('inbox')).toEqual({ 'g:old': aWeekAgoDay() });
    expect(await days('idempotency_records')).toEqual({ 'k:old': aWeekAgoDay(), 'k:new': seededRecords[1]!.day });
  });

  it('changes nothing when its up runs again, and down removes the day from reservations only', async () => {
    await runner().up();
    const after = await days('slot_reservations');
    await bookingRetentionDays.up({ db, version: bookingRetentionDays.version, log: () => undefined });
    expect(await days('slot_reservations')).toEqual(after);

    await runner().down();

    expect(Object.values(await days('slot_reservations')).every((day) => day === undefined)).toBe(true);
    expect((await days('idempotency_records'))['k:old']).toEqual(aWeekAgoDay());
    expect((await runner().status()).map((row) => row.state)).toEqual(['pending']);
  });
});
