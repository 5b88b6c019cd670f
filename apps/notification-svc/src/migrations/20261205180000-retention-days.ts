import { retentionDaysMigration } from '@bp/platform';

/*
 * Retention (docs/retention.md): sent and failed deliveries get the day they were sent or given up, sent
 * digests the day they were sent; waiting ones get none and are never deleted. Inbox days older than the
 * pruner looks back are moved up to where it reaches them.
 */
export const notificationRetentionDays = retentionDaysMigration(
  '20261205180000',
  {
    finished: [
      { collection: 'deliveries', finished: { status: { $in: ['sent', 'failed'] } }, finishedAt: ['sentAt', 'failedAt', 'updatedAt'] },
      { collection: 'digests', finished: { status: 'sent' }, finishedAt: ['sentAt', 'updatedAt'] },
    ],
    raised: ['inbox'],
    oldestDays: 7,
  },
  import.meta.url,
);
