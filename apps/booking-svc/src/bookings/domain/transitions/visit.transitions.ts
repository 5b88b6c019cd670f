import { cancellationFee } from '@bp/pricing';
import { BookingError, BookingErrorCode } from '../../../shared/domain/booking-error.js';
import type { Booking } from '../booking.js';
import { currentTimes } from '../booking.js';
import type { BookingStatus } from '../booking-status.js';
import { type BookingChange, type BookingEffect, type TransitionContext, type TransitionRules, change } from './booking-change.js';
import { assertParty, assertStatus } from './transition-guards.js';

/** Cancellation by either party, and the visit itself: check-in, start, completion, no-show. */

/** A hold is in place, or may be: held, or failed at the capture after a hold (an authorisation can outlive it). */
export function mayStillBeAuthorised(booking: Booking): boolean {
  const { status, paymentIntentId } = booking.payment;
  return status === 'held' || ((status === 'failed' || status === 'requires_action') && Boolean(paymentIntentId));
}

/** Frees every slot the booking holds: its own and an open proposal's. */
export function releaseSlots(booking: Booking): BookingEffect[] {
  return [
    { kind: 'release_slot', holdId: booking.holdId },
    ...(booking.reschedule.current ? [{ kind: 'release_slot' as const, holdId: booking.reschedule.current.holdId }] : []),
  ];
}

const PATIENT_CANCELLABLE: readonly BookingStatus[] = ['pending_payment', 'payment_failed', 'pending_confirmation', 'reschedule_proposed', 'confirmed'];
const PROVIDER_CANCELLABLE: readonly BookingStatus[] = ['pending_confirmation', 'confirmed', 'payment_failed'];

/**
 * Cancels for the patient or the provider from the states the spec allows. A patient cancelling a
 * confirmed booking inside the notice window pays the provider's cancellation fee (kept from the
 * captured amount); everything else is released or refunded in full.
 */
export function cancel(booking: Booking, reason: string | undefined, rules: TransitionRules, ctx: TransitionContext): BookingChange {
  const byPatient = ctx.actor.type === 'patient';
  assertParty(booking, ctx.actor, byPatient ? 'patient' : 'provider');
  assertStatus(booking, byPatient ? PATIENT_CANCELLABLE : PROVIDER_CANCELLABLE, 'cancel');
  if (byPatient && !rules.allowCancellation && booking.status === 'confirmed')
    throw new BookingError(BookingErrorCode.CancellationNotAllowed, 'This provider does not allow cancellations');
  // A capture in flight cannot be released, and refunding what is not captured yet is impossible: wait for it.
  if (booking.payment.status === 'capture_requested')
    throw new BookingError(BookingErrorCode.InvalidTransition, 'The payment is being captured; cancel once the booking is confirmed', {
      paymentStatus: 'capture_requested',
    });
  const to: BookingStatus = byPatient ? 'cancelled_patient' : 'cancelled_provider';
  const captured = booking.payment.status === 'captured' ? (booking.payment.capturedAmountCents ?? booking.payment.originalAmountCents) : 0;
  const feePercent = byPatient && booking.status === 'confirmed' ? rules.cancellationFeePercent : 0;
  const feeCents =
    feePercent > 0 ? cancellationFee(booking.payment.originalAmountCents, feePercent, currentTimes(booking).start, rules.cancellationNoticeHours, ctx.now) : 0;
  const effects: BookingEffect[] = [];
  if (captured > 0) {
    const refund = captured - Math.min(feeCents, captured);
    if (refund > 0)
      effects.push({ kind: 'refund', amountCents: refund, reason: `cancelled_by_${ctx.actor.type}`, initiatedBy: byPatient ? 'patient' : 'provider' });
  } else if (mayStillBeAuthorised(booking)) {
    effects.push({ kind: 'release_hold', reason: `cancelled_by_${ctx.actor.type}` });
  }
  effects.push(...releaseSlots(booking));
  return change(booking, ctx, {
    event: 'cancelled',
    to,
    patch: {
      cancellation: { by: ctx.actor.type, ...(reason ? { reason } : {}), at: ctx.now, feePercent: feeCents > 0 ? feePercent : 0, feeCents },
      notes: { ...booking.notes, ...(reason ? { cancellationReason: reason } : {}) },
      payment: { ...booking.payment, cancellationFeeCents: feeCents },
    },
    effects: effects,
    auditData: { reason, feeCents },
  });
}

export function checkIn(booking: Booking, ctx: TransitionContext): BookingChange {
  assertParty(booking, ctx.actor, 'provider');
  return change(booking, ctx, { event: 'status_changed', to: 'checked_in' });
}

export function startVisit(booking: Booking, ctx: TransitionContext): BookingChange {
  assertParty(booking, ctx.actor, 'provider');
  return change(booking, ctx, { event: 'status_changed', to: 'in_progress', patch: { dateTime: { ...booking.dateTime, actualStart: ctx.now } } });
}

export function complete(booking: Booking, ctx: TransitionContext): BookingChange {
  assertParty(booking, ctx.actor, 'provider');
  return change(booking, ctx, {
    event: 'completed',
    to: 'completed',
    patch: { dateTime: { ...booking.dateTime, actualEnd: ctx.now } },
    effects: [{ kind: 'release_slot', holdId: booking.holdId }],
  });
}

export function markNoShow(booking: Booking, ctx: TransitionContext): BookingChange {
  assertParty(booking, ctx.actor, 'provider');
  return change(booking, ctx, { event: 'no_show', to: 'no_show', effects: [{ kind: 'release_slot', holdId: booking.holdId }] });
}
