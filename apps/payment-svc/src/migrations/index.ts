import type { Migration } from '@bp/platform';
import { paymentDayBuckets } from './20261205000000-day-buckets.js';
import { stripeEventsPending } from './20261205000100-stripe-events-pending.js';
import { paymentRetentionDays } from './20261205180000-retention-days.js';
import { holdReviewHours } from './20261207000000-hold-review-hours.js';

/** payment-svc's migrations, oldest first (docs/migrations.md). */
export const paymentMigrations: readonly Migration[] = [paymentDayBuckets, stripeEventsPending, paymentRetentionDays, holdReviewHours];
