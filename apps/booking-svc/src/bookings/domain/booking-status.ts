import type { BookingStatusValue } from '@bp/contracts';
import { BookingError, BookingErrorCode } from '../../shared/domain/booking-error.js';

/** The public contract's statuses (@bp/contracts BOOKING_STATUS_VALUES): the one list; VALID_TRANSITIONS has a row for each, no more. */
export type BookingStatus = BookingStatusValue;

/**
 * The spec's VALID_TRANSITIONS table, plus the moves its failure paths need (marked +,
 * docs/failure-model.md). `reschedule_pending` is in the spec's status list but in no transition:
 * only an admin override can reach or leave it. Admin override may go anywhere.
 */
export const VALID_TRANSITIONS: Readonly<Record<BookingStatus, readonly BookingStatus[]>> = {
  slot_reserved: ['pending_payment', 'expired', 'cancelled_patient'],
  // + expired: the patient did not authenticate the payment (3-D Secure) in time.
  pending_payment: ['confirmed', 'pending_confirmation', 'payment_failed', 'cancelled_patient', 'expired'],
  // + payment_failed: the capture after the provider's (or the patient's) answer failed.
  pending_confirmation: ['confirmed', 'expired', 'reschedule_proposed', 'cancelled_patient', 'cancelled_provider', 'payment_failed'],
  reschedule_proposed: ['confirmed', 'cancelled_patient', 'expired', 'payment_failed'],
  reschedule_pending: [],
  confirmed: ['checked_in', 'cancelled_patient', 'cancelled_provider', 'no_show'],
  checked_in: ['in_progress', 'no_show'],
  in_progress: ['completed', 'no_show'],
  completed: [],
  cancelled_patient: [],
  cancelled_provider: [],
  cancelled_admin: [],
  expired: [],
  no_show: [],
  // + cancelled by either party, and expired when the retry window lapses: a failed payment never keeps its slot.
  payment_failed: ['pending_payment', 'cancelled_patient', 'cancelled_provider', 'expired'],
};

/** Every status, in the contract's order (the transition table is written in it). */
export const BOOKING_STATUSES = Object.keys(VALID_TRANSITIONS) as BookingStatus[];

export const TERMINAL_STATUSES: readonly BookingStatus[] = ['completed', 'cancelled_patient', 'cancelled_provider', 'cancelled_admin', 'expired', 'no_show'];

/** Statuses in which a booking holds its time slot. */
export const SLOT_HOLDING_STATUSES: readonly BookingStatus[] = [
  'slot_reserved',
  'pending_payment',
  'pending_confirmation',
  'reschedule_proposed',
  'reschedule_pending',
  'confirmed',
  'checked_in',
  'in_progress',
  'payment_failed',
];

export function isBookingStatus(value: unknown): value is BookingStatus {
  return typeof value === 'string' && (BOOKING_STATUSES as readonly string[]).includes(value);
}

export function canTransition(from: BookingStatus, to: BookingStatus): boolean {
  return VALID_TRANSITIONS[from].includes(to);
}

export function isTerminal(status: BookingStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export function assertTransition(from: BookingStatus, to: BookingStatus): void {
  if (!canTransition(from, to)) {
    throw new BookingError(BookingErrorCode.InvalidTransition, `A booking cannot go from ${from} to ${to}`, { from, to, allowed: VALID_TRANSITIONS[from] });
  }
}
