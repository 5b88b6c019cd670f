import { retentionDaysMigration } from '@bp/platform';

/*
 * Retention (docs/retention.md): fired and cancelled timers get the day they ended (from `firedAt`, or
 * `updatedAt`, the cancellation's write); scheduled ones get none and are never deleted. Job runs get the
 * day they ended. Inbox days older than the pruner looks back are moved up to where it reaches them.
 */
export const schedulerRetentionDays = retentionDaysMigration(
  '20261205180000',
  {
    finished: [
      { collection: 'timers', finished: { status: { $in: ['fired', 'cancelled'] } }, finishedAt: ['firedAt', 'updatedAt'] },
      { collection: 'job_runs', finished: {}, finishedAt: ['endedAt'] },
    ],
    raised: ['inbox'],
    oldestDays: 7,
  },
  import.meta.url,
);
