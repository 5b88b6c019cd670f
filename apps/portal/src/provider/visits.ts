import type { BookingAction } from '../api/queries.js';
import type { Booking, BookingStatus } from '../api/types.js';
import { dateInZone } from '../time/format.js';

/** Bookings still ahead of the provider or under way. */
export const UPCOMING_STATUSES: readonly BookingStatus[] = ['pending_confirmation', 'reschedule_proposed', 'confirmed', 'checked_in', 'in_progress'];

/** The next step of a visit that takes place, by status: check in (or no-show), start, complete. */
export const VISIT_ACTIONS: Partial<Record<BookingStatus, Array<{ action: BookingAction; label: string; done: string }>>> = {
  confirmed: [
    { action: 'check-in', label: 'Check in', done: 'checked in' },
    { action: 'no-show', label: 'Mark no-show', done: 'marked as a no-show' },
  ],
  checked_in: [{ action: 'start', label: 'Start visit', done: 'started' }],
  in_progress: [{ action: 'complete', label: 'Complete visit', done: 'completed' }],
};

export function startOf(booking: Booking): string {
  return booking.dateTime.confirmedStart ?? booking.dateTime.requestedStart;
}

/** Today's visits in the provider's zone: confirmed or under way, earliest first. */
export function todaysVisits(bookings: readonly Booking[], now = new Date()): Booking[] {
  return bookings
    .filter((b) => VISIT_ACTIONS[b.status] && dateInZone(startOf(b), b.dateTime.providerTimezone) === dateInZone(now, b.dateTime.providerTimezone))
    .sort((a, b) => startOf(a).localeCompare(startOf(b)));
}

export interface TimelineEntry {
  label: string;
  at: string;
  /** For a proposal: the time proposed. */
  proposed?: string;
}

/** A booking's history as its own fields tell it (the audit trail proper is an admin view), oldest first. */
export function timelineOf(booking: Booking): TimelineEntry[] {
  const entries: Array<TimelineEntry | null> = [
    { label: booking.bookingType === 'request' ? 'Requested' : 'Booked', at: booking.confirmation.requestedAt ?? booking.createdAt },
    booking.reschedule.current
      ? { label: 'New time proposed', at: booking.reschedule.current.proposedAt, proposed: booking.reschedule.current.proposedStart }
      : null,
    booking.confirmation.responseType === 'declined' && booking.confirmation.respondedAt ? { label: 'Declined', at: booking.confirmation.respondedAt } : null,
    booking.confirmedAt ? { label: booking.confirmation.autoConfirm ? 'Confirmed automatically' : 'Confirmed', at: booking.confirmedAt } : null,
    booking.dateTime.actualStart ? { label: 'Visit started', at: booking.dateTime.actualStart } : null,
    booking.dateTime.actualEnd ? { label: 'Visit completed', at: booking.dateTime.actualEnd } : null,
    booking.cancellation ? { label: `Cancelled by ${booking.cancellation.by}`, at: booking.cancellation.at } : null,
  ];
  return entries.filter((entry): entry is TimelineEntry => entry !== null).sort((a, b) => a.at.localeCompare(b.at));
}
