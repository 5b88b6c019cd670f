import { BookingError, BookingErrorCode } from '../../../shared/domain/booking-error.js';
import type { Booking, Lapse } from '../booking.js';
import { type BookingChange, type TransitionContext, lapse as lapseBooking } from './booking-change.js';
import { closeProposal } from './reschedule.transitions.js';
import { assertStatus } from './transition-guards.js';

/** A deadline fired (scheduler command). It applies only if nobody answered (or paid) in time. */
export function expire(
  booking: Booking,
  deadline: 'confirmation' | 'reschedule_response' | 'payment_retry' | 'payment_action',
  ctx: TransitionContext,
): BookingChange {
  const lapsed: { lapse: Lapse } = { lapse: deadline };
  if (deadline === 'payment_action') {
    assertStatus(booking, ['pending_payment'], 'expire the payment authentication of');
    const action = booking.payment.action;
    if (booking.payment.status !== 'requires_action' || !action || ctx.now < action.expiresAt)
      throw new BookingError(BookingErrorCode.InvalidTransition, 'The time to authenticate the payment has not passed');
    // The intent is cancelled, so an authentication completed later cannot authorise anything.
    const { action: _lapsed, ...payment } = booking.payment;
    return lapseBooking(booking, ctx, { releaseHold: 'payment_action_expired', patch: { payment }, auditData: lapsed });
  }
  if (deadline === 'confirmation') {
    assertStatus(booking, ['pending_confirmation'], 'expire');
    if (booking.confirmation.responseType)
      throw new BookingError(BookingErrorCode.InvalidTransition, `The provider already answered (${booking.confirmation.responseType})`);
    if (!booking.confirmation.expiresAt || ctx.now < booking.confirmation.expiresAt)
      throw new BookingError(BookingErrorCode.InvalidTransition, 'The confirmation deadline has not passed');
    return lapseBooking(booking, ctx, {
      releaseHold: 'confirmation_expired',
      patch: { confirmation: { ...booking.confirmation, responseType: 'expired' } },
      auditData: lapsed,
    });
  }
  if (deadline === 'payment_retry') {
    assertStatus(booking, ['payment_failed'], 'expire the payment of');
    if (!booking.payment.retryUntil || ctx.now < booking.payment.retryUntil)
      throw new BookingError(BookingErrorCode.InvalidTransition, 'The time to pay has not passed');
    // An authorisation may remain from before a failed capture: let it go too.
    return lapseBooking(booking, ctx, { releaseHold: 'payment_retry_expired', auditData: lapsed });
  }
  assertStatus(booking, ['reschedule_proposed'], 'expire the reschedule of');
  const proposal = booking.reschedule.current;
  if (!proposal || booking.confirmation.responseType === 'rescheduled' || ctx.now < proposal.responseDeadline)
    throw new BookingError(BookingErrorCode.InvalidTransition, 'The reschedule response deadline has not passed');
  return lapseBooking(booking, ctx, {
    releaseHold: 'reschedule_expired',
    patch: { reschedule: closeProposal(booking, ctx.now, false) },
    alsoFree: proposal.holdId,
    auditData: lapsed,
  });
}
