import type { Migration } from '@bp/platform';
import { calendarDayBuckets } from './20261205000000-day-buckets.js';
import { calendarRetentionDays } from './20261205180000-retention-days.js';

/** calendar-svc's migrations, oldest first (docs/migrations.md). */
export const calendarMigrations: readonly Migration[] = [calendarDayBuckets, calendarRetentionDays];
