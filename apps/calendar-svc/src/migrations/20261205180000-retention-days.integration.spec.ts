import { utcDayOf } from '@bp/platform';
import { aWeekAgoDay, dayFields, daysAgo, migrationSpecDatabase } from '@bp/testing';
import { calendarRetentionDays } from './20261205180000-retention-days.js';

/** As the release before left them: no day on OAuth states; inbox and idempotency days as old as the records. */
const seededStates = [
  { _id: 'used', status: 'used', expiresAt: daysAgo(2) },
  { _id: 'abandoned', status: 'pending', expiresAt: daysAgo(200) },
  { _id: 'open', status: 'pending', expiresAt: new Date(Date.now() + 600_000) },
];
const seededInbox = [{ _id: 'g:old', processedAt: daysAgo(90), day: utcDayOf(daysAgo(90)) }];
const seededRecords = [{ _id: 'k:old', createdAt: daysAgo(365), day: utcDayOf(daysAgo(365)) }];

describe('calendar-svc migration 20261205180000 retention-days', () => {
  const { db, runner } = migrationSpecDatabase('calendar_retention_migration', [calendarRetentionDays]);
  const days = (collection: string) => dayFields(db, collection);

  beforeEach(async () => {
    await db.collection('oauth_states').insertMany(seededStates.map((s) => ({ ...s })) as never[]);
    await db.collection('inbox').insertMany(seededInbox.map((e) => ({ ...e })) as never[]);
    await db.collection('idempotency_records').insertMany(seededRecords.map((r) => ({ ...r })) as never[]);
  });

  it('gives every OAuth state the day it expires (none older than a week) and raises older inbox and idempotency days', async () => {
    await runner().up();

    expect(await days('oauth_states')).toEqual({
      used: utcDayOf(seededStates[0]!.expiresAt),
      abandoned: aWeekAgoDay(),
      open: utcDayOf(seededStates[2]!.expiresAt),
    });
    expect(await days('inbox')).toEqual({ 'g:old': aWeekAgoDay() });
    expect(await days('idempotency_records')).toEqual({ 'k:old': aWeekAgoDay() });
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
