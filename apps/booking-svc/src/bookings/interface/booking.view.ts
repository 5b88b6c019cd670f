import type { Booking } from '../domain/booking.js';

/** What callers see of a booking: everything but the slot-claim plumbing; the audit trail has its own route. */
export function bookingView(booking: Booking) {
  const { holdId: _hold, ...view } = booking;
  const { current, ...reschedule } = booking.reschedule;
  return { ...view, reschedule: { ...reschedule, ...(current ? { current: { ...current, holdId: undefined } } : {}) } };
}
