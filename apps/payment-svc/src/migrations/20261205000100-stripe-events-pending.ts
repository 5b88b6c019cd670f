import { defineMigration } from '@bp/platform';

/*
 * Stripe events waiting to be processed are found by `pending: true` (an equality the database answers
 * from its index) instead of `processedAt` being absent (which the local engine could only answer by
 * reading every stored event on every pass). `up` marks the stored events not processed yet; `down`
 * removes the mark (the release before reads `processedAt`, which is unchanged).
 */
export const stripeEventsPending = defineMigration(
  {
    version: '20261205000100',
    name: 'stripe-events-pending',
    async up({ db, log }) {
      const { modifiedCount } = await db.collection('stripe_events').updateMany({ processedAt: { $exists: false } }, { $set: { pending: true } });
      log(`stripe_events: ${modifiedCount} unprocessed event(s) marked pending`);
    },
    async down({ db, log }) {
      const { modifiedCount } = await db.collection('stripe_events').updateMany({ pending: true }, { $unset: { pending: '' } });
      log(`stripe_events: pending mark removed from ${modifiedCount} event(s)`);
    },
  },
  import.meta.url,
);
