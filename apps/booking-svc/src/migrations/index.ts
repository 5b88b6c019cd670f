import type { Migration } from '@bp/platform';
import { bookingRequestFields } from './20260115000000-booking-request-fields.js';
import { slotHolds } from './20261205000000-slot-holds.js';
import { busyDays } from './20261205000100-busy-days.js';
import { calendarBusyPerProvider } from './20261205000200-calendar-busy-per-provider.js';
import { bookingAuditCollection } from './20261205000300-booking-audit-collection.js';
import { providerStatsCollection } from './20261205000400-provider-stats-collection.js';
import { bookingDayBuckets } from './20261205000500-day-buckets.js';
import { bookingTallies } from './20261205000600-booking-tallies.js';
import { providerWalkBuckets } from './20261205000700-provider-walk-buckets.js';
import { bookingRetentionDays } from './20261205180000-retention-days.js';
import { providerStatsWalkBuckets } from './20261206000000-provider-stats-walk-buckets.js';
import { bookingCreatedDays } from './20261207200000-booking-created-days.js';

/** booking-svc's migrations, oldest first (docs/migrations.md). */
export const bookingMigrations: readonly Migration[] = [
  bookingRequestFields,
  slotHolds,
  busyDays,
  calendarBusyPerProvider,
  bookingAuditCollection,
  providerStatsCollection,
  bookingDayBuckets,
  bookingTallies,
  providerWalkBuckets,
  bookingRetentionDays,
  providerStatsWalkBuckets,
  bookingCreatedDays,
];
