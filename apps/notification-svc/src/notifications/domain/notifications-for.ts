import type { NotificationFacts, PlannedNotification, RecipientRole, TemplateKey } from './notification-types.js';

/** The fields of booking-svc's BookingStatusChanged that decide notifications (mirrored: domain code stands alone). */
export interface StatusChange {
  bookingId: string;
  bookingNumber: string;
  patientId: string;
  providerId: string;
  bookingType: 'instant' | 'request';
  previousStatus?: string;
  status: string;
  reason: string;
  startTime: string;
  providerTimezone: string;
  patientTimezone: string;
  deadline?: string;
  /** With reason `expired`: what lapsed (the provider's answer, the patient's answer, the card's authorisation, the time to pay). */
  lapse?: 'confirmation' | 'reschedule_response' | 'payment_hold' | 'payment_retry' | 'payment_action';
  /** A request auto-confirm took for the provider. */
  autoConfirm?: boolean;
  priceCents: number;
  currency: string;
}

function plan(change: StatusChange, role: RecipientRole, template: TemplateKey, extra: Partial<NotificationFacts> = {}): PlannedNotification {
  return {
    recipient: {
      role,
      id: role === 'patient' ? change.patientId : change.providerId,
      timezone: role === 'patient' ? change.patientTimezone : change.providerTimezone,
    },
    template,
    facts: {
      bookingId: change.bookingId,
      bookingNumber: change.bookingNumber,
      startTime: change.startTime,
      ...(change.deadline ? { deadline: change.deadline } : {}),
      ...extra,
    },
  };
}

/**
 * Which notifications a booking's change sends, and to whom. The event's reason (the audit entry that
 * caused it) and status decide; changes nobody needs to hear about (payment bookkeeping, check-in)
 * send nothing.
 */
export function notificationsFor(change: StatusChange): PlannedNotification[] {
  switch (change.reason) {
    case 'payment_held':
      // An auto-confirmed request is a booking for both parties: they hear of it once it is paid.
      return change.status === 'pending_confirmation' && !change.autoConfirm
        ? [plan(change, 'patient', 'confirmation_request_received'), plan(change, 'provider', 'new_request')]
        : [];
    case 'payment_captured':
      if (change.status !== 'confirmed' || change.previousStatus === 'confirmed') return [];
      return (change.bookingType === 'instant' && change.previousStatus === 'pending_payment') || change.autoConfirm
        ? [plan(change, 'patient', 'booking_confirmed'), plan(change, 'provider', 'new_booking')]
        : [plan(change, 'patient', 'booking_confirmed')];
    case 'declined':
      return [plan(change, 'patient', 'booking_declined')];
    case 'expired':
      return expiredNotifications(change);
    case 'reschedule_proposed':
      return [plan(change, 'patient', 'reschedule_proposed')];
    case 'reschedule_accepted':
      return [plan(change, 'provider', 'reschedule_accepted')];
    case 'reschedule_declined':
      return [plan(change, 'provider', 'reschedule_declined')];
    case 'cancelled':
      if (change.status === 'cancelled_patient') return [plan(change, 'provider', 'patient_cancelled')];
      return change.status === 'cancelled_provider' ? [plan(change, 'patient', 'booking_cancelled')] : [];
    case 'admin_override':
      return change.status === 'cancelled_admin' ? [plan(change, 'patient', 'booking_cancelled')] : [];
    case 'payment_action_required':
      return [plan(change, 'patient', 'payment_action_required')];
    case 'payment_failed':
      if (change.status !== 'payment_failed') return [];
      // A capture that failed after the provider said yes: they expect the patient, and learn it may lapse.
      return providerAnswered(change)
        ? [plan(change, 'patient', 'payment_failed'), plan(change, 'provider', 'payment_failed')]
        : [plan(change, 'patient', 'payment_failed')];
    default:
      return [];
  }
}

function providerAnswered(change: StatusChange): boolean {
  return !change.autoConfirm && (change.previousStatus === 'pending_confirmation' || change.previousStatus === 'reschedule_proposed');
}

/** Each lapse in its own words: whose answer (or money) did not come, and what it means for the other party. */
function expiredNotifications(change: StatusChange): PlannedNotification[] {
  switch (change.lapse) {
    case 'reschedule_response':
      return [plan(change, 'patient', 'reschedule_expired'), plan(change, 'provider', 'reschedule_expired')];
    case 'payment_hold':
      return [plan(change, 'patient', 'hold_lapsed'), plan(change, 'provider', 'hold_lapsed')];
    case 'payment_retry':
    case 'payment_action':
      return [plan(change, 'patient', 'payment_lapsed')];
    default:
      return [plan(change, 'patient', 'request_expired'), plan(change, 'provider', 'request_expired')];
  }
}

/** What notification-svc knows of a booking from its events: its parties, their zones, its number. */
export interface BookingParties {
  bookingId: string;
  bookingNumber: string;
  patientId: string;
  providerId: string;
  patientTimezone: string;
  providerTimezone: string;
  currency?: string;
}

function to(parties: BookingParties, role: RecipientRole, template: TemplateKey, facts: Partial<NotificationFacts>): PlannedNotification {
  return {
    recipient: {
      role,
      id: role === 'patient' ? parties.patientId : parties.providerId,
      timezone: role === 'patient' ? parties.patientTimezone : parties.providerTimezone,
    },
    template,
    facts: { bookingId: parties.bookingId, bookingNumber: parties.bookingNumber, ...facts },
  };
}

/** A refund went through (payment-svc's PaymentRefunded): the patient hears how much. */
export function refundNotifications(parties: BookingParties, amountCents: number, currency: string): PlannedNotification[] {
  return [to(parties, 'patient', 'refund_issued', { amountCents, currency })];
}

/** scheduler-svc's reminders: both parties 24 hours before, the patient again 1 hour before (the spec's lists). */
export function reminderNotifications(parties: BookingParties, startTime: string, hoursBefore: 24 | 1): PlannedNotification[] {
  return hoursBefore === 24
    ? [to(parties, 'patient', 'reminder_24h', { startTime }), to(parties, 'provider', 'reminder_24h', { startTime })]
    : [to(parties, 'patient', 'reminder_1h', { startTime })];
}

/** scheduler-svc's warning: the provider's request expires soon. */
export function expiringWarningNotifications(parties: BookingParties, deadline: string): PlannedNotification[] {
  return [to(parties, 'provider', 'expiring_warning', { deadline })];
}
