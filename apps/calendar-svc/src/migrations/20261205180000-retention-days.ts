import { retentionDaysMigration } from '@bp/platform';

/*
 * Retention (docs/retention.md): OAuth states get the day they expire; inbox and idempotency days older
 * than the pruner looks back (nothing pruned calendar-svc's idempotency records before) are moved up to
 * where it reaches them.
 */
export const calendarRetentionDays = retentionDaysMigration(
  '20261205180000',
  {
    finished: [{ collection: 'oauth_states', finished: {}, finishedAt: ['expiresAt'] }],
    raised: ['inbox', 'idempotency_records'],
    oldestDays: 7,
  },
  import.meta.url,
);
