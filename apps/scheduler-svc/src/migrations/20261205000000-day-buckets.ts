import { dayBucketsMigration } from '@bp/platform';

/** The inbox is pruned a day at a time from now on (libs/platform DayPruner): older records get their day. */
export const schedulerDayBuckets = dayBucketsMigration('20261205000000', [{ collection: 'inbox', dateField: 'processedAt' }], import.meta.url);
