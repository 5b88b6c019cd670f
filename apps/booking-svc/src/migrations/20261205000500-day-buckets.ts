import { dayBucketsMigration } from '@bp/platform';

/** The inbox and the idempotency records are pruned a day at a time from now on (libs/platform DayPruner): older records get their day. */
export const bookingDayBuckets = dayBucketsMigration(
  '20261205000500',
  [
    { collection: 'inbox', dateField: 'processedAt' },
    { collection: 'idempotency_records', dateField: 'createdAt' },
  ],
  import.meta.url,
);
