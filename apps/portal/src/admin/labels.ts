import type { AdminListedBooking } from './types.js';

/** Why a booking waits for an admin, in words (booking-svc records a code: payment_disputed, capture_failed_after_end…). */
export function flagReason(booking: AdminListedBooking): string {
  return booking.needsAdminReason ? booking.needsAdminReason.replaceAll('_', ' ') : 'no reason recorded';
}
