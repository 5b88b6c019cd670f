import type { Migration } from '@bp/platform';
import { timerPollMinute } from './20261125000000-timer-poll-minute.js';
import { schedulerDayBuckets } from './20261205000000-day-buckets.js';
import { schedulerRetentionDays } from './20261205180000-retention-days.js';

/** scheduler-svc's migrations, oldest first (docs/migrations.md). */
export const schedulerMigrations: readonly Migration[] = [timerPollMinute, schedulerDayBuckets, schedulerRetentionDays];
