import { utcDayOf } from '@bp/platform';
import { aWeekAgoDay, dayFields, daysAgo, migrationSpecDatabase } from '@bp/testing';
import { schedulerRetentionDays } from './20261205180000-retention-days.js';

const DAY = 86_400_000;

/** As the release before left them: no day on timers or job runs. */
const seededTimers = [
  { _id: 'fired', status: 'fired', dueAt: daysAgo(3), firedAt: daysAgo(3), updatedAt: daysAgo(3) },
  { _id: 'cancelled', status: 'cancelled', dueAt: daysAgo(1), updatedAt: daysAgo(2) },
  { _id: 'cancelled-long-ago', status: 'cancelled', dueAt: daysAgo(90), updatedAt: daysAgo(100) },
  // Scheduled, however long ago it was set or fell due: live.
  { _id: 'overdue', status: 'scheduled', dueAt: daysAgo(40), updatedAt: daysAgo(50) },
  { _id: 'ahead', status: 'scheduled', dueAt: new Date(Date.now() + 5 * DAY), updatedAt: daysAgo(1) },
];
const seededRuns = [
  { _id: 'cleanup:a', job: 'cleanup', endedAt: daysAgo(2), outcome: 'success' },
  { _id: 'cleanup:b', job: 'cleanup', endedAt: daysAgo(60), outcome: 'failure' },
];
const seededInbox = [
  { _id: 'g:old', processedAt: daysAgo(70), day: utcDayOf(daysAgo(70)) },
  { _id: 'g:new', processedAt: daysAgo(1), day: utcDayOf(daysAgo(1)) },
];

describe('scheduler-svc migration 20261205180000 retention-days', () => {
  const { db, runner } = migrationSpecDatabase('scheduler_retention_migration', [schedulerRetentionDays]);
  const days = (collection: string) => dayFields(db, collection);

  beforeEach(async () => {
    await db.collection('timers').insertMany(seededTimers.map((t) => ({ ...t })) as never[]);
    await db.collection('job_runs').insertMany(seededRuns.map((r) => ({ ...r })) as never[]);
    await db.collection('inbox').insertMany(seededInbox.map((e) => ({ ...e })) as never[]);
  });

  it('gives fired and cancelled timers the day they ended, job runs the day they ended, scheduled timers none, and raises older inbox days', async () => {
    await runner().up();

    expect(await days('timers')).toEqual({
      fired: utcDayOf(seededTimers[0]!.firedAt!),
      cancelled: utcDayOf(seededTimers[1]!.updatedAt),
      'cancelled-long-ago': aWeekAgoDay(),
      overdue: undefined,
      ahead: undefined,
    });
    expect(await days('job_runs')).toEqual({ 'cleanup:a': utcDayOf(seededRuns[0]!.endedAt), 'cleanup:b': aWeekAgoDay() });
    expect(await days('inbox')).toEqual({ 'g:old': aWeekAgoDay(), 'g:new': seededInbox[1]!.day });
  });

  it('changes nothing when its up runs again, and down removes the day from timers and job runs', async () => {
    await runner().up();
    const after = [await days('timers'), await days('job_runs')];
    await schedulerRetentionDays.up({ db, version: schedulerRetentionDays.version, log: () => undefined });
    expect([await days('timers'), await days('job_runs')]).toEqual(after);

    await runner().down();

    expect(Object.values(await days('timers')).every((day) => day === undefined)).toBe(true);
    expect(Object.values(await days('job_runs')).every((day) => day === undefined)).toBe(true);
    expect((await runner().status()).map((row) => row.state)).toEqual(['pending']);
  });
});
