import { defineMigration } from '@bp/platform';

interface StoredPayment {
  _id: string;
  version: number;
  hold?: { expiresAt?: Date; expiringNotifiedAt?: Date };
  holdReviewHour?: string;
}

/*
 * Held payments written before `holdReviewHour` existed get it, so the hold monitor (which reads its
 * review buckets one UTC hour at a time, docs/payments.md) finds them: the hour (`2030-01-01T10`) of
 * the moment the monitor must look at the hold — 24 hours before it lapses while no warning was sent
 * (`hold.expiringNotifiedAt` absent), else when it lapses — or, when that moment has passed, the hour
 * the migration runs in. Written out here rather than imported: an applied migration must keep doing
 * what it did. Each write is conditional on the version it read, so a payment the service changed
 * meanwhile keeps the hour its own write gave it; running `up` again skips the payments that have one.
 *
 * `down` removes the field from every payment: the release before never reads it.
 */
export const holdReviewHours = defineMigration(
  {
    version: '20261207000000',
    name: 'hold-review-hours',
    async up({ db, log }) {
      const payments = db.collection<StoredPayment>('payments');
      const now = Date.now();
      let set = 0;
      for await (const payment of payments.find({ status: 'held' }, { projection: { version: 1, hold: 1, holdReviewHour: 1 } })) {
        const expiresAt = payment.hold?.expiresAt;
        if (payment.holdReviewHour || !(expiresAt instanceof Date)) continue;
        const reviewAt = payment.hold?.expiringNotifiedAt ? expiresAt.getTime() : expiresAt.getTime() - 24 * 3_600_000;
        const holdReviewHour = new Date(Math.max(reviewAt, now)).toISOString().slice(0, 13);
        const result = await payments.updateOne({ _id: payment._id, version: payment.version }, { $set: { holdReviewHour } });
        set += result.modifiedCount;
      }
      log(`holdReviewHour set on ${set} held payment(s)`);
    },
    async down({ db, log }) {
      const { modifiedCount } = await db.collection('payments').updateMany({ holdReviewHour: { $exists: true } }, { $unset: { holdReviewHour: '' } });
      log(`holdReviewHour removed from ${modifiedCount} payment(s)`);
    },
  },
  import.meta.url,
);
