import type { Migration } from '@bp/platform';
import { bookingRequestFields } from './20260115000000-booking-request-fields.js';

/** booking-svc's migrations, oldest first (docs/migrations.md). */
export const bookingMigrations: readonly Migration[] = [bookingRequestFields];
