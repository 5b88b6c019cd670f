import { utcDayOf } from '@bp/platform';
import { migrationSpecDatabase } from '@bp/testing';
import { notificationRetentionDays } from './20261205180000-retention-days.js';

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);

/** As the release before left them: no day on deliveries or digests. */
const seededDeliveries = [
  { _id: 'sent', status: 'sent', sentAt: ago(3), updatedAt: ago(3) },
  { _id: 'failed', status: 'failed', failedAt: ago(2), updatedAt: ago(2) },
  { _id: 'ancient', status: 'sent', sentAt: ago(400), updatedAt: ago(400) },
  { _id: 'deferred', status: 'deferred', notBefore: ago(-1), updatedAt: ago(20) },
  { _id: 'retrying', status: 'retrying', notBefore: ago(0), updatedAt: ago(0) },
  { _id: 'sending', status: 'sending', updatedAt: ago(9) },
];
const seededDigests = [
  { _id: 'd-sent', status: 'sent', sentAt: ago(5), updatedAt: ago(5) },
  { _id: 'd-open', status: 'open', updatedAt: ago(0) },
  { _id: 'd-closing', status: 'closing', updatedAt: ago(0) },
];
const seededInbox = [{ _id: 'g:old', processedAt: ago(80), day: utcDayOf(ago(80)) }];

describe('notification-svc migration 20261205180000 retention-days', () => {
  const { db, runner } = migrationSpecDatabase('notification_retention_migration', [notificationRetentionDays]);
  const days = async (collection: string) =>
    Object.fromEntries((await db.collection(collection).find({}).toArray()).map((d) => [String(d._id), d['day'] as string | undefined]));
  /** A week before the migration ran (either side of a midnight the run may straddle). */
  const oldest = () => expect.stringMatching(new RegExp(`^(${utcDayOf(ago(7))}|${utcDayOf(ago(8))})$`));

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
      ancient: oldest(),
      deferred: undefined,
      retrying: undefined,
      sending: undefined,
    });
    expect(await days('digests')).toEqual({ 'd-sent': utcDayOf(seededDigests[0]!.sentAt!), 'd-open': undefined, 'd-closing': undefined });
    expect(await days('inbox')).toEqual({ 'g:old': oldest() });
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
