import { utcDayOf } from '@bp/platform';
import { aWeekAgoDay, dayFields, daysAgo, migrationSpecDatabase } from '@bp/testing';
import { notificationRetentionDays } from './20261205180000-retention-days.js';

/** As the release before left them: no day on deliveries or digests. */
const seededDeliveries = [
  { _id: 'sent', status: 'sent', sentAt: daysAgo(3), updatedAt: daysAgo(3) },
  { _id: 'failed', status: 'failed', failedAt: daysAgo(2), updatedAt: daysAgo(2) },
  { _id: 'ancient', status: 'sent', sentAt: daysAgo(400), updatedAt: daysAgo(400) },
  { _id: 'deferred', status: 'deferred', notBefore: daysAgo(-1), updatedAt: daysAgo(20) },
  { _id: 'retrying', status: 'retrying', notBefore: daysAgo(0), updatedAt: daysAgo(0) },
  { _id: 'sending', status: 'sending', updatedAt: daysAgo(9) },
];
const seededDigests = [
  { _id: 'd-sent', status: 'sent', sentAt: daysAgo(5), updatedAt: daysAgo(5) },
  { _id: 'd-open', status: 'open', updatedAt: daysAgo(0) },
  { _id: 'd-closing', status: 'closing', updatedAt: daysAgo(0) },
];
const seededInbox = [{ _id: 'g:old', processedAt: daysAgo(80), day: utcDayOf(daysAgo(80)) }];

describe('notification-svc migration 20261205180000 retention-days', () => {
  const { db, runner } = migrationSpecDatabase('notification_retention_migration', [notificationRetentionDays]);
  const days = (collection: string) => dayFields(db, collection);

  beforeEach(async () => {
    await db.collection('deliveries').insertMany(seededDeliveries.map((d) => ({ ...d })) as never[]);
    await db.collection('digests').insertMany(seededDigests.map((d) => ({ ...d })) as never[]);
    await db.collection('inbox').insertMany(seededInbox.map((e) => ({ ...e })) as never[]);
  });

  it('gives sent and failed deliveries and sent digests the day they ended, waiting ones none, and raises older inbox days', async () => {
    await runner().up();

    expect(await days('deliveries')).toEqual({
      sent: utcDayOf(seededDeliveries[0]!.sentAt!),
      failed: utcDayOf(seededDeliveries[1]!.failedAt!),
      ancient: aWeekAgoDay(),
      deferred: undefined,
      retrying: undefined,
      sending: undefined,
    });
    expect(await days('digests')).toEqual({ 'd-sent': utcDayOf(seededDigests[0]!.sentAt!), 'd-open': undefined, 'd-closing': undefined });
    expect(await days('inbox')).toEqual({ 'g:old': aWeekAgoDay() });
  });

  it('changes nothing when its up runs again, and down removes the day from deliveries and digests', async () => {
    await runner().up();
    const after = [await days('deliveries'), await days('digests')];
    await notificationRetentionDays.up({ db, version: notificationRetentionDays.version, log: () => undefined });
    expect([await days('deliveries'), await days('digests')]).toEqual(after);

    await runner().down();

    expect(Object.values({ ...(await days('deliveries')), ...(await days('digests')) }).every((day) => day === undefined)).toBe(true);
    expect((await runner().status()).map((row) => row.state)).toEqual(['pending']);
  });
});
