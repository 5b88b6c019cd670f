import { utcDayOf } from '@bp/platform';
import { migrationSpecDatabase } from '@bp/testing';
import { calendarRetentionDays } from './20261205180000-retention-days.js';

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);

/** As the release before left them: no day on OAuth states; inbox and idempotency days as old as the records. */
const seededStates = [
  { _id: 'used', status: 'used', expiresAt: ago(2) },
  { _id: 'abandoned', status: 'pending', expiresAt: ago(200) },
  { _id: 'open', status: 'pending', expiresAt: new Date(Date.now() + 600_000) },
];
const seededInbox = [{ _id: 'g:old', processedAt: ago(90), day: utcDayOf(ago(90)) }];
const seededRecords = [{ _id: 'k:old', createdAt: ago(365), day: utcDayOf(ago(365)) }];

describe('calendar-svc migration 20261205180000 retention-days', () => {
  const { db, runner } = migrationSpecDatabase('calendar_retention_migration', [calendarRetentionDays]);
  const days = async (collection: string) =>
    Object.fromEntries((await db.collection(collection).find({}).toArray()).map((d) => [String(d._id), d['day'] as string | undefined]));
  /** A week before the migration ran (either side of a midnight the run may straddle). */
  const oldest = () => expect.stringMatching(new RegExp(`^(${utcDayOf(ago(7))}|${utcDayOf(ago(8))})$`));

  beforeEach(async () => {
    await db.collection('oauth_states').insertMany(seededStates.map((s) => ({ ...s })) as never[]);
    await db.collection('inbox').insertMany(seededInbox.map((e) => ({ ...e })) as never[]);
    await db.collection('idempotency_records').insertMany(seededRecords.map((r) => ({ ...r })) as never[]);
  });

  it('gives every OAuth state the day it expires (none older than a week) and raises older inbox and idempotency days', async () => {
    await runner().up();

    expect(await days('oauth_states')).toEqual({ used: utcDayOf(seededStates[0]!.expiresAt), abandoned: oldest(), open: utcDayOf(seededStates[2]!.expiresAt) });
    expect(await days('inbox')).toEqual({ 'g:old': oldest() });
    expect(await days('idempotency_records')).toEqual({ 'k:old': oldest() });
  });

  it('changes nothing when its up runs again, and down removes the day from OAuth states', async () => {
    await runner().up();
    const after = await days('oauth_states');
    await calendarRetentionDays.up({ db, version: calendarRetentionDays.version, log: () => undefined });
    expect(await days('oauth_states')).toEqual(after);

    await runner().down();

    expect(Object.values(await days('oauth_states')).every((day) => day === undefined)).toBe(true);
    expect((await runner().status()).map((row) => row.state)).toEqual(['pending']);
  });
});
