import type { BookingView } from '@bp/contracts';
import type { Actor } from '@bp/platform';
import type { Booking } from '../domain/booking.js';

/**
 * What callers see of a booking (the public contract BookingContract): everything but the slot-claim
 * plumbing (the audit trail has its own route); the payment's authentication secret (3-D Secure)
 * only when the viewer is its patient.
 */
export function bookingView(booking: Booking, viewer?: Actor): BookingView {
  const { holdId: _hold, ...view } = booking;
  const { current, ...reschedule } = booking.reschedule;
  const { action, ...payment } = booking.payment;
  const ownPatient = viewer?.type === 'patient' && viewer.id === booking.patientId;
  const proposal = current && (({ holdId: _proposalHold, ...shown }) => shown)(current);
  return {
    ...view,
    payment: { ...payment, ...(action ? { action: ownPatient ? action : { expiresAt: action.expiresAt } } : {}) },
    reschedule: { ...reschedule, ...(proposal ? { current: proposal } : {}) },
  };
}
