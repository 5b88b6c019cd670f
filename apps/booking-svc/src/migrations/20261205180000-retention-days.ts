import { retentionDaysMigration } from '@bp/platform';

/*
 * Retention (docs/retention.md): converted and expired reservations get the day they ended (their
 * `expiresAt`: a conversion happens before it, and the release before did not store when); active ones
 * get none and are never deleted. Inbox and idempotency days older than the pruner looks back are moved
 * up to where it reaches them.
 */
export const bookingRetentionDays = retentionDaysMigration(
  '20261205180000',
  {
    finished: [
      {
        collection: 'slot_reservations',
        finished: { status: { $in: ['converted', 'expired', 'released'] } },
        finishedAt: ['convertedAt', 'expiredAt', 'expiresAt'],
      },
    ],
    raised: ['inbox', 'idempotency_records'],
    oldestDays: 7,
  },
  import.meta.url,
);
