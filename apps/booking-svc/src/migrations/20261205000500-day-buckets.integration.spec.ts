import { DayPruner, utcDayOf } from '@bp/platform';
import { migrationSpecDatabase } from '@bp/testing';
import { bookingDayBuckets } from './20261205000500-day-buckets.js';

/** Inbox entries and idempotency records as the release before wrote them: no `day`. */
const seededInbox = [
  { _id: 'g:e1', group: 'booking-svc', eventId: 'e1', type: 'HoldPlaced', processedAt: new Date('2026-10-01T23:59:59.999Z') },
  { _id: 'g:e2', group: 'booking-svc', eventId: 'e2', type: 'HoldPlaced', processedAt: new Date('2026-11-30T00:00:00.000Z') },
];
const seededRecords = [
  { _id: 'k1', requestHash: 'h1', state: 'done', lockedUntil: new Date('2026-10-02T00:01:00Z'), createdAt: new Date('2026-10-02T00:00:00Z') },
  // A record that never got its date (a partial write): it gets today's.
  { _id: 'k2', requestHash: 'h2', state: 'in_progress', lockedUntil: new Date('2026-11-01T00:01:00Z') },
];
/** Written by the current release, with its day. */
const current = { _id: 'g:e3', group: 'booking-svc', eventId: 'e3', type: 'HoldPlaced', processedAt: new Date('2026-12-01T10:00:00Z'), day: '2026-12-01' };

describe('booking-svc migration 20261205000500 day-buckets', () => {
  const { db, connection, runner } = migrationSpecDatabase('day_buckets_migration', [bookingDayBuckets], { connection: true });
  const inbox = () => db.collection('inbox').find({}).sort({ _id: 1 }).toArray();
  const records = () => db.collection('idempotency_records').find({}).sort({ _id: 1 }).toArray();

  beforeEach(async () => {
    await db.collection('inbox').insertMany([...seededInbox, current].map((e) => ({ ...e })) as never[]);
    await db.collection('idempotency_records').insertMany(seededRecords.map((r) => ({ ...r })) as never[]);
  });

  it('gives inbox entries and idempotency records the UTC day of their date, today’s when they have none, and keeps days already set', async () => {
    const today = utcDayOf(new Date());
    await runner().up();

    expect(await inbox()).toEqual([{ ...seededInbox[0], day: '2026-10-01' }, { ...seededInbox[1], day: '2026-11-30' }, current]);
    expect(await records()).toEqual([
      { ...seededRecords[0], day: '2026-10-02' },
      // Run just after midnight, either day would do: it is the day the migration ran.
      { ...seededRecords[1], day: expect.stringMatching(new RegExp(`^(${today}|${utcDayOf(new Date())})$`)) },
    ]);
  });

  it('makes the older records prunable by day', async () => {
    await runner().up();

    const deleted = await new DayPruner(() => connection.collection<{ _id: string; day?: string }>('inbox'), 50).pruneBefore(new Date('2026-11-15T12:00:00Z'));

    expect(deleted).toBe(1);
    expect((await inbox()).map((e) => e._id)).toEqual(['g:e2', 'g:e3']);
  });

  it('changes nothing when its up runs again', async () => {
    await runner().up();
    const [afterInbox, afterRecords] = [await inbox(), await records()];

    await bookingDayBuckets.up({ db, version: bookingDayBuckets.version, log: () => undefined });

    expect(await inbox()).toEqual(afterInbox);
    expect(await records()).toEqual(afterRecords);
  });

  it('down removes the day from every record (the release before never reads it)', async () => {
    await runner().up();

    await runner().down();

    const { day: _day, ...currentWithoutDay } = current;
    expect(await inbox()).toEqual([...seededInbox, currentWithoutDay]);
    expect(await records()).toEqual(seededRecords);
    expect((await runner().status()).map((row) => row.state)).toEqual(['pending']);
  });
});
