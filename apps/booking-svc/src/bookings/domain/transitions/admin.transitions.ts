import { BookingError, BookingErrorCode } from '../../../shared/domain/booking-error.js';
import type { Booking } from '../booking.js';
import { currentTimes } from '../booking.js';
import { type BookingStatus, SLOT_HOLDING_STATUSES, isBookingStatus } from '../booking-status.js';
import { type BookingChange, type BookingEffect, type TransitionContext, auditEntry, milestones, withoutAdminFlag } from './booking-change.js';
import { mayStillBeAuthorised, releaseSlots } from './visit.transitions.js';

/** An admin forces a status (the slot and the money follow), or clears the flag that asked for them. */

const ENDED_UNPAID: readonly BookingStatus[] = ['cancelled_patient', 'cancelled_provider', 'cancelled_admin', 'expired'];
const TAKES_PLACE: readonly BookingStatus[] = ['confirmed', 'checked_in', 'in_progress', 'completed', 'no_show'];

/** What the money must do for a booking an admin moves to `to` (docs/failure-model.md, "Admin override"). */
function overrideMoney(booking: Booking, to: BookingStatus): { effects: BookingEffect[]; payment?: Booking['payment'] } {
  const { payment } = booking;
  if (ENDED_UNPAID.includes(to)) {
    // Ends without a visit: everything goes back. A capture in flight is refunded when it lands
    // (recordCaptured), a hold still being placed is released when it arrives (recordHoldPlaced).
    const remaining = (payment.capturedAmountCents ?? 0) - (payment.refundedAmountCents ?? 0);
    if ((payment.status === 'captured' || payment.status === 'partial_refund') && remaining > 0)
      return { effects: [{ kind: 'refund', amountCents: remaining, reason: 'admin_override', initiatedBy: 'admin' }] };
    return { effects: mayStillBeAuthorised(booking) ? [{ kind: 'release_hold', reason: 'admin_override' }] : [] };
  }
  if (TAKES_PLACE.includes(to)) {
    if (payment.status === 'held')
      return {
        effects: [{ kind: 'capture', amountCents: payment.originalAmountCents, reason: 'admin_override' }],
        payment: { ...payment, status: 'capture_requested' },
      };
    if (payment.status !== 'captured' && payment.status !== 'partial_refund' && payment.status !== 'capture_requested')
      throw new BookingError(BookingErrorCode.InvalidTransition, `The booking cannot be ${to} without its payment, which is ${payment.status}`, {
        paymentStatus: payment.status,
        reason: 'payment_not_available',
      });
  }
  return { effects: [] };
}

/**
 * An admin may move a booking to any status, with a reason, and the slot and the money follow the
 * status as they would on the regular path: ending without a visit frees the slot and releases or
 * refunds in full; a status in which the visit happens takes the money (a hold is captured; without
 * any, the override is refused); going back into a slot-holding status claims the slot again (409
 * SLOT_UNAVAILABLE if someone else has it meanwhile); payment_failed gets a new retry window.
 */
export function adminOverride(booking: Booking, to: string, reason: string, ctx: TransitionContext, options: { retryWindowMs: number }): BookingChange {
  if (ctx.actor.type !== 'admin') throw new BookingError(BookingErrorCode.Forbidden, 'Only an admin may override a booking');
  if (!isBookingStatus(to)) throw new BookingError(BookingErrorCode.ValidationFailed, `${to} is not a booking status`);
  if (!reason.trim()) throw new BookingError(BookingErrorCode.ValidationFailed, 'An override needs a reason');
  const heldSlot = SLOT_HOLDING_STATUSES.includes(booking.status);
  const holdsSlot = SLOT_HOLDING_STATUSES.includes(to);
  const money = overrideMoney(booking, to);
  const effects: BookingEffect[] = [...money.effects];
  let holdId = booking.holdId;
  if (heldSlot && !holdsSlot) effects.push(...releaseSlots(booking));
  if (!heldSlot && holdsSlot) {
    holdId = `${booking.id}:override:${booking.version + 1}`;
    const { start, end } = currentTimes(booking);
    effects.push({ kind: 'claim_slot', holdId, start, end }, { kind: 'make_slot_permanent', holdId, bookingId: booking.id });
  }
  let payment = money.payment ?? booking.payment;
  if (to === 'payment_failed') payment = { ...payment, retryUntil: new Date(ctx.now.getTime() + options.retryWindowMs) };
  const entry = auditEntry(ctx, 'admin_override', booking.status, to, { reason });
  const next: Booking = {
    ...withoutAdminFlag(booking),
    ...milestones(booking, to, ctx.now),
    holdId,
    payment,
    status: to,
    version: booking.version + 1,
    updatedAt: ctx.now,
    notes: { ...booking.notes, adminNotes: reason },
  };
  return { previous: booking, booking: next, audit: [entry], effects };
}

/** An admin has dealt with what the booking was flagged for (at Stripe, with the parties): the flag goes, audited. */
export function acknowledge(booking: Booking, note: string, ctx: TransitionContext): BookingChange {
  if (ctx.actor.type !== 'admin') throw new BookingError(BookingErrorCode.Forbidden, 'Only an admin may acknowledge a booking');
  if (!note.trim()) throw new BookingError(BookingErrorCode.ValidationFailed, 'An acknowledgement needs a note');
  if (!booking.needsAdmin) throw new BookingError(BookingErrorCode.InvalidTransition, 'Nothing about this booking waits for an admin');
  const entry = auditEntry(ctx, 'admin_acknowledged', booking.status, booking.status, { note, reason: booking.needsAdminReason });
  const next: Booking = { ...withoutAdminFlag(booking), notes: { ...booking.notes, adminNotes: note }, version: booking.version + 1, updatedAt: ctx.now };
  return { previous: booking, booking: next, audit: [entry], effects: [] };
}
