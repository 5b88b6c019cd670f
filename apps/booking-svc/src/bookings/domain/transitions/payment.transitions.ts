import { BookingError, BookingErrorCode } from '../../../shared/domain/booking-error.js';
import type { Booking, DisputeRecord, Lapse } from '../booking.js';
import { currentTimes } from '../booking.js';
import { isTerminal } from '../booking-status.js';
import { declineMessage } from '../payment-failure.js';
import { type BookingChange, type TransitionContext, type TransitionRules, change, lapse } from './booking-change.js';
import { closeProposal } from './reschedule.transitions.js';
import { assertParty, assertStatus } from './transition-guards.js';

/** The money: holds, captures, failures and retries, 3-D Secure, refunds, disputes, a hold let go or lapsing. */

/** The provider already said yes (a payment retried after a failed capture): the new hold is captured at once. */
function answeredYes(booking: Booking): boolean {
  return booking.confirmation.responseType === 'confirmed' || booking.confirmation.responseType === 'rescheduled';
}

/**
 * The card is authorised: a request booking now waits for the provider (its deadline never after the
 * appointment starts), or with `autoConfirm` is taken for them at once; an instant one, or one the
 * provider already accepted before a failed capture, is captured. A hold that arrives for a booking
 * that ended meanwhile (the patient cancelled while the card was being authorised, an admin) is
 * released at once: nothing may stay authorised for a booking that will not happen.
 */
export function recordHoldPlaced(
  booking: Booking,
  paymentIntentId: string,
  rules: Pick<TransitionRules, 'confirmationDeadlineHours'>,
  ctx: TransitionContext,
  options: { autoConfirm?: boolean } = {},
): BookingChange {
  const { action: _authenticated, failure: _past, ...paid } = booking.payment;
  const payment = { ...paid, status: 'held' as const, paymentIntentId };
  if (isTerminal(booking.status) && ['pending', 'requires_action', 'failed'].includes(booking.payment.status)) {
    return change(booking, ctx, {
      event: 'payment_held',
      patch: { payment },
      effects: [{ kind: 'release_hold', reason: 'booking_ended' }],
      auditData: { paymentIntentId, released: true },
    });
  }
  assertStatus(booking, ['pending_payment'], 'record a hold for');
  if (booking.bookingType === 'instant' || answeredYes(booking)) {
    return change(booking, ctx, {
      event: 'payment_held',
      patch: { payment: { ...payment, status: 'capture_requested' } },
      effects: [
        {
          kind: 'capture',
          amountCents: booking.payment.originalAmountCents,
          reason: booking.bookingType === 'instant' ? 'instant_booking' : 'payment_retried',
        },
      ],
      auditData: { paymentIntentId },
    });
  }
  const start = currentTimes(booking).start.getTime();
  const expiresAt = new Date(Math.min(ctx.now.getTime() + rules.confirmationDeadlineHours * 3_600_000, Math.max(start, ctx.now.getTime())));
  const confirmation = { required: true, requestedAt: ctx.now, expiresAt, ...(options.autoConfirm ? { autoConfirm: true } : {}) };
  return change(booking, ctx, {
    event: 'payment_held',
    to: 'pending_confirmation',
    patch: { payment, confirmation },
    auditData: {
      paymentIntentId,
      confirmationExpiresAt: expiresAt,
      ...(options.autoConfirm ? { autoConfirm: true } : {}),
    },
  });
}

/**
 * The capture went through: the booking is confirmed (instant, confirmed request, or accepted
 * reschedule). An instant booking's hold is captured as it is placed (payment-svc), so a payment still
 * `pending` here first hears of its payment intent (a new one when the patient paid again): it takes
 * `paymentIntentId` from the capture.
 */
export function recordCaptured(booking: Booking, amountCents: number, ctx: TransitionContext, paymentIntentId?: string): BookingChange {
  const intent = booking.payment.status === 'pending' && paymentIntentId ? { paymentIntentId } : {};
  const payment = { ...booking.payment, ...intent, status: 'captured' as const, capturedAmountCents: amountCents };
  const awaitingCapture =
    (booking.status === 'pending_payment' && (booking.bookingType === 'instant' || answeredYes(booking))) ||
    (booking.status === 'pending_confirmation' && booking.confirmation.responseType === 'confirmed') ||
    (booking.status === 'reschedule_proposed' && booking.confirmation.responseType === 'rescheduled');
  if (!awaitingCapture && (isTerminal(booking.status) || booking.status === 'payment_failed')) {
    // Money arrived for a booking that will not take place (an override, a late capture): give it back.
    return change(booking, ctx, {
      event: 'payment_captured',
      patch: { payment },
      effects: [{ kind: 'refund', amountCents, reason: 'captured_after_end', initiatedBy: 'system' }],
      auditData: { amountCents, refunded: true },
    });
  }
  if (!awaitingCapture) return change(booking, ctx, { event: 'payment_captured', patch: { payment }, auditData: { amountCents } });
  return change(booking, ctx, { event: 'payment_captured', to: 'confirmed', patch: { payment }, auditData: { amountCents } });
}

/**
 * A payment step failed. While the booking waits for its money — the hold before any decision, or
 * the capture after the provider (or the patient, for a new time) said yes — it goes to
 * payment_failed: the patient may pay again until `retryUntil` (the retry window, never past the
 * appointment's start), after which it expires and frees its slot. A failure after that (a capture
 * for a booking that already ended) keeps the booking and flags the payment for an admin.
 */
export function recordPaymentFailed(booking: Booking, stage: 'hold' | 'capture', reason: string, retryWindowMs: number, ctx: TransitionContext): BookingChange {
  const { action: _abandoned, ...rest } = booking.payment;
  const payment = { ...rest, status: 'failed' as const, failure: { code: reason, message: declineMessage(reason) } };
  const waitingForMoney =
    booking.status === 'pending_payment' ||
    (booking.status === 'pending_confirmation' && booking.confirmation.responseType === 'confirmed') ||
    (booking.status === 'reschedule_proposed' && booking.confirmation.responseType === 'rescheduled');
  if (!waitingForMoney) return change(booking, ctx, { event: 'payment_failed', patch: { payment }, auditData: { stage, reason, needsAdmin: true } });
  const retryUntil = new Date(Math.max(ctx.now.getTime(), Math.min(ctx.now.getTime() + retryWindowMs, currentTimes(booking).start.getTime())));
  return change(booking, ctx, {
    event: 'payment_failed',
    to: 'payment_failed',
    patch: { payment: { ...payment, retryUntil } },
    auditData: { stage, reason, retryUntil },
  });
}

/** The patient pays again (a new attempt at the hold) within the retry window, with the same card or another of theirs. */
export function retryPayment(booking: Booking, ctx: TransitionContext, paymentMethodId?: string): BookingChange {
  assertParty(booking, ctx.actor, 'patient');
  assertStatus(booking, ['payment_failed'], 'retry the payment of');
  if (booking.payment.retryUntil && ctx.now.getTime() >= booking.payment.retryUntil.getTime())
    throw new BookingError(BookingErrorCode.BookingExpired, 'The time to pay for this booking has passed');
  const { retryUntil: _closed, ...payment } = booking.payment;
  return change(booking, ctx, {
    event: 'payment_initiated',
    to: 'pending_payment',
    patch: { payment: { ...payment, status: 'pending', ...(paymentMethodId ? { paymentMethodId } : {}) } },
    effects: [{ kind: 'place_hold' }],
    auditData: paymentMethodId ? { paymentMethodId } : undefined,
  });
}

/**
 * The card's bank wants the patient to authenticate (3-D Secure): the booking keeps its slot while
 * the app runs it, until `actionWindowMs` (never past the start); the client secret is the patient's
 * to see, never written to the audit trail.
 */
export function recordActionRequired(
  booking: Booking,
  action: { paymentIntentId: string; clientSecret: string },
  actionWindowMs: number,
  ctx: TransitionContext,
): BookingChange {
  assertStatus(booking, ['pending_payment'], 'ask for authentication of');
  if (booking.payment.status !== 'pending')
    throw new BookingError(BookingErrorCode.InvalidTransition, `The payment is ${booking.payment.status}, not waiting for the card`);
  const expiresAt = new Date(Math.max(ctx.now.getTime(), Math.min(ctx.now.getTime() + actionWindowMs, currentTimes(booking).start.getTime())));
  const payment = {
    ...booking.payment,
    status: 'requires_action' as const,
    paymentIntentId: action.paymentIntentId,
    action: { clientSecret: action.clientSecret, expiresAt },
  };
  return change(booking, ctx, {
    event: 'payment_action_required',
    patch: { payment },
    auditData: { paymentIntentId: action.paymentIntentId, actionExpiresAt: expiresAt },
  });
}

/** payment-svc refunded money (a cancellation, an admin, or Stripe's dashboard): the booking shows what is refunded so far. */
export function recordRefunded(
  booking: Booking,
  refund: { amountCents: number; totalRefundedCents: number; paymentStatus: 'partial_refund' | 'refunded'; initiatedBy?: string; reason?: string },
  ctx: TransitionContext,
): BookingChange {
  if ((booking.payment.refundedAmountCents ?? 0) >= refund.totalRefundedCents)
    throw new BookingError(BookingErrorCode.InvalidTransition, 'This refund is already recorded');
  const payment = { ...booking.payment, status: refund.paymentStatus, refundedAmountCents: refund.totalRefundedCents };
  return change(booking, ctx, { event: 'payment_refunded', patch: { payment }, auditData: refund });
}

function disputeStatus(booking: Booking, disputeId: string): DisputeRecord['status'] | undefined {
  return booking.disputes?.find((d) => d.disputeId === disputeId)?.status;
}

function withDispute(booking: Booking, record: DisputeRecord): DisputeRecord[] {
  return [...(booking.disputes ?? []).filter((d) => d.disputeId !== record.disputeId), record];
}

/**
 * The cardholder disputes the charge (payment-svc heard it from Stripe). The booking keeps its status;
 * the audit entry asks an admin to answer the dispute at Stripe (payment-svc refuses refunds meanwhile).
 */
export function recordDisputeOpened(
  booking: Booking,
  dispute: { disputeId: string; amountCents: number; reason: string },
  ctx: TransitionContext,
): BookingChange {
  if (disputeStatus(booking, dispute.disputeId)) throw new BookingError(BookingErrorCode.InvalidTransition, 'This dispute is already recorded');
  return change(booking, ctx, {
    event: 'payment_disputed',
    patch: { disputes: withDispute(booking, { disputeId: dispute.disputeId, status: 'open' }) },
    auditData: { ...dispute, needsAdmin: true },
  });
}

/** The dispute closed; a lost one (the money went back to the cardholder) stays flagged for an admin. */
export function recordDisputeClosed(
  booking: Booking,
  dispute: { disputeId: string; amountCents: number; outcome: 'won' | 'lost' },
  ctx: TransitionContext,
): BookingChange {
  const status = disputeStatus(booking, dispute.disputeId);
  if (status === 'won' || status === 'lost') throw new BookingError(BookingErrorCode.InvalidTransition, 'This dispute’s outcome is already recorded');
  return change(booking, ctx, {
    event: 'payment_dispute_closed',
    patch: { disputes: withDispute(booking, { disputeId: dispute.disputeId, status: dispute.outcome }) },
    auditData: { ...dispute, ...(dispute.outcome === 'lost' ? { needsAdmin: true } : {}) },
  });
}

/**
 * The card hold was let go: a release we asked for, or the authorisation lapsed at Stripe. If the
 * booking still needed that money (a capture was waiting, e.g. behind the kill switch), it cannot
 * go ahead unpaid: an instant booking goes to payment_failed (the patient may pay again), a request
 * or reschedule expires with its slots freed; the audit entry flags it for an admin.
 */
export function recordHoldReleased(booking: Booking, reason: string | undefined, ctx: TransitionContext): BookingChange {
  if (booking.payment.status === 'cancelled') throw new BookingError(BookingErrorCode.InvalidTransition, 'The hold release is already recorded');
  const payment = { ...booking.payment, status: 'cancelled' as const };
  const data = { ...(reason ? { reason } : {}) };
  const stillNeeded = booking.payment.status === 'held' || booking.payment.status === 'capture_requested';
  if (stillNeeded && booking.status === 'pending_payment')
    return change(booking, ctx, { event: 'payment_failed', to: 'payment_failed', patch: { payment }, auditData: { ...data, stage: 'hold' } });
  if (stillNeeded && (booking.status === 'pending_confirmation' || booking.status === 'reschedule_proposed')) {
    const proposal = booking.reschedule.current;
    return lapse(booking, ctx, {
      patch: {
        payment,
        confirmation: { ...booking.confirmation, responseType: booking.confirmation.responseType ?? 'expired' },
        ...(proposal ? { reschedule: closeProposal(booking, ctx.now, false) } : {}),
      },
      ...(proposal ? { alsoFree: proposal.holdId } : {}),
      auditData: { ...data, lapse: 'payment_hold' satisfies Lapse, needsAdmin: true },
    });
  }
  return change(booking, ctx, { event: 'payment_released', patch: { payment }, auditData: reason ? data : undefined });
}

/**
 * The hold lapses within 24 hours (payment-svc's hold monitor). A request still waiting for the
 * provider, or a reschedule still waiting for the patient, cannot be captured after that: it expires
 * now, hold and slot released. Anything else that still needs the hold (a capture held back by the
 * kill switch) is escalated: an audit entry an admin sees, the booking untouched.
 */
export function holdExpiring(booking: Booking, expiresAt: Date, ctx: TransitionContext): BookingChange {
  const data = { reason: 'payment_hold_expiring', holdExpiresAt: expiresAt, lapse: 'payment_hold' satisfies Lapse };
  if (booking.status === 'pending_confirmation' && !booking.confirmation.responseType) {
    return lapse(booking, ctx, {
      releaseHold: 'payment_hold_expiring',
      patch: { confirmation: { ...booking.confirmation, responseType: 'expired' } },
      auditData: data,
    });
  }
  const proposal = booking.reschedule.current;
  if (booking.status === 'reschedule_proposed' && proposal && booking.confirmation.responseType !== 'rescheduled') {
    return lapse(booking, ctx, {
      releaseHold: 'payment_hold_expiring',
      patch: { reschedule: closeProposal(booking, ctx.now, false) },
      alsoFree: proposal.holdId,
      auditData: data,
    });
  }
  if (booking.payment.status !== 'held' && booking.payment.status !== 'capture_requested')
    throw new BookingError(BookingErrorCode.InvalidTransition, 'The booking no longer relies on this hold');
  return change(booking, ctx, { event: 'payment_hold_expiring', auditData: { reason: data.reason, holdExpiresAt: expiresAt, needsAdmin: true } });
}
