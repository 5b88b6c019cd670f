import type { Migration } from '@bp/platform';
import { notificationDayBuckets } from './20261205000000-day-buckets.js';
import { notificationRetentionDays } from './20261205180000-retention-days.js';
import { unverifiedContacts } from './20261206000000-unverified-contacts.js';

/** notification-svc's migrations, oldest first (docs/migrations.md). */
export const notificationMigrations: readonly Migration[] = [notificationDayBuckets, notificationRetentionDays, unverifiedContacts];
