/** The spec's booking statuses, as the public API and the events name them; booking-svc's state machine is built on this list. */
export const BOOKING_STATUS_VALUES = [
  'slot_reserved',
  'pending_payment',
  'pending_confirmation',
  'reschedule_proposed',
  'reschedule_pending',
  'confirmed',
  'checked_in',
  'in_progress',
  'completed',
  'cancelled_patient',
  'cancelled_provider',
  'cancelled_admin',
  'expired',
  'no_show',
  'payment_failed',
] as const;

export type BookingStatusValue = (typeof BOOKING_STATUS_VALUES)[number];
