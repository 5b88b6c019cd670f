import { retentionDaysMigration } from '@bp/platform';

/*
 * Retention (docs/retention.md): processed Stripe events get the day they were processed (events waiting
 * or parked get none and are never deleted); inbox and idempotency days older than the pruner looks back
 * (nothing pruned payment-svc's idempotency records before) are moved up to where it reaches them.
 */
export const paymentRetentionDays = retentionDaysMigration(
  '20261205180000',
  {
    finished: [
      {
        collection: 'stripe_events',
        finished: { processedAt: { $exists: true }, pending: { $exists: false }, parked: { $exists: false } },
        finishedAt: ['processedAt'],
      },
    ],
    raised: ['inbox', 'idempotency_records'],
    oldestDays: 7,
  },
  import.meta.url,
);
