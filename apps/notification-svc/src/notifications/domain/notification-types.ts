/** Who a notification is for. */
export type RecipientRole = 'patient' | 'provider';

/** Every notification the platform sends (the spec's Booking.notifications, plus instant bookings and refunds). */
export const PATIENT_TEMPLATES = [
  'confirmation_request_received',
  'booking_confirmed',
  'reschedule_proposed',
  'booking_declined',
  'request_expired',
  'reschedule_expired',
  'hold_lapsed',
  'booking_cancelled',
  'payment_failed',
  'payment_action_required',
  'payment_lapsed',
  'refund_issued',
  'reminder_24h',
  'reminder_1h',
] as const;

export const PROVIDER_TEMPLATES = [
  'new_request',
  'new_booking',
  'expiring_warning',
  'patient_cancelled',
  'reschedule_accepted',
  'reschedule_declined',
  'reminder_24h',
  'request_expired',
  'reschedule_expired',
  'hold_lapsed',
  'payment_failed',
] as const;

export type PatientTemplate = (typeof PATIENT_TEMPLATES)[number];
export type ProviderTemplate = (typeof PROVIDER_TEMPLATES)[number];
export type TemplateKey = PatientTemplate | ProviderTemplate;

/** Urgent notifications are sent during quiet hours too; the rest wait for the window's end. */
export const URGENT: ReadonlySet<string> = new Set(['reminder_1h', 'expiring_warning', 'payment_failed', 'payment_action_required']);

/** What a template needs to render: the booking, the recipient's zone and the moment it is about. */
export interface NotificationFacts {
  bookingId: string;
  bookingNumber?: string;
  startTime?: string;
  deadline?: string;
  amountCents?: number;
  currency?: string;
  reason?: string;
}

/** One notification to send: to whom (by role and id), which template, the facts, and the zone to show times in. */
export interface PlannedNotification {
  recipient: { role: RecipientRole; id: string; timezone: string };
  template: TemplateKey;
  facts: NotificationFacts;
}
