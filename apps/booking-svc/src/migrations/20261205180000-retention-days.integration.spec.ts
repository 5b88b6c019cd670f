import { utcDayOf } from '@bp/platform';
import { migrationSpecDatabase } from '@bp/testing';
import { bookingRetentionDays } from './20261205180000-retention-days.js';

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);

/** As the release before left them: no day on reservations; inbox and idempotency days as old as the records. */
const seededReservations = [
  { _id: 'converted', status: 'converted', createdAt: ago(4), expiresAt: ago(4) },
  { _id: 'expired', status: 'expired', createdAt: ago(2), expiresAt: ago(2) },
  { _id: 'ancient', status: 'expired', createdAt: ago(300), expiresAt: ago(300) },
  // Active: holding its slot, or lapsed and not yet marked by the cleanup (it gets its day then).
  { _id: 'holding', status: 'active', createdAt: ago(0), expiresAt: new Date(Date.now() + 300_000) },
  { _id: 'lapsed', status: 'active', createdAt: ago(50), expiresAt: ago(50) },
];
const seededInbox = [{ _id: 'g:old', processedAt: ago(90), day: utcDayOf(ago(90)) }];
const seededRecords = [
  { _id: 'k:old', createdAt: ago(45), day: utcDayOf(ago(45)) },
  { _id: 'k:new', createdAt: ago(0), day: utcDayOf(ago(0)) },
];

describe('booking-svc migration 20261205180000 retention-days', () => {
  const { db, runner } = migrationSpecDatabase('booking_retention_migration', [bookingRetentionDays]);
  const days = async (collection: string) =>
    Object.fromEntries((await db.collection(collection).find({}).toArray()).map((d) => [String(d._id), d['day'] as string | undefined]));
  /** A week before the migration ran (either side of a midnight the run may straddle). */
  const oldest = () => expect.stringMatching(new RegExp(`^(${utcDayOf(ago(7))}|${utcDayOf(ago(8))})$`));

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
      ancient: oldest(),
      holding: undefined,
      lapsed: undefined,
    });
    expect(await days('inbox')).toEqual({ 'g:old': oldest() });
    expect(await days('idempotency_records')).toEqual({ 'k:old': oldest(), 'k:new': seededRecords[1]!.day });
  });

  it('changes nothing when its up runs again, and down removes the day from reservations only', async () => {
    await runner().up();
    const after = await days('slot_reservations');
    await bookingRetentionDays.up({ db, version: bookingRetentionDays.version, log: () => undefined });
    expect(await days('slot_reservations')).toEqual(after);

    await runner().down();

    expect(Object.values(await days('slot_reservations')).every((day) => day === undefined)).toBe(true);
    expect((await days('idempotency_records'))['k:old']).toEqual(oldest());
    expect((await runner().status()).map((row) => row.state)).toEqual(['pending']);
  });
});
