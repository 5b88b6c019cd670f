import { BookingError, BookingErrorCode } from '../../../shared/domain/booking-error.js';
import type { Booking, BookingActor } from '../booking.js';
import type { BookingStatus } from '../booking-status.js';

/** The caller must be this booking's patient / provider; anyone else learns nothing (404). */
export function assertParty(booking: Booking, actor: BookingActor, role: 'patient' | 'provider' | 'either'): void {
  if (actor.type === 'admin' || actor.type === 'system') return;
  const isPatient = actor.type === 'patient' && booking.patientId === actor.id;
  const isProvider = actor.type === 'provider' && booking.providerId === actor.id;
  if (!isPatient && !isProvider) throw new BookingError(BookingErrorCode.BookingNotFound, 'No such booking');
  const allowed = role === 'either' || (role === 'patient' && isPatient) || (role === 'provider' && isProvider);
  if (!allowed) throw new BookingError(BookingErrorCode.Forbidden, `Only the booking's ${role} may do this`);
}

export function assertStatus(booking: Booking, expected: readonly BookingStatus[], action: string): void {
  if (!expected.includes(booking.status)) {
    throw new BookingError(BookingErrorCode.InvalidTransition, `Cannot ${action} a booking that is ${booking.status}`, {
      status: booking.status,
      allowedFrom: expected,
    });
  }
}
