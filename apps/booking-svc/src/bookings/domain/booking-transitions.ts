import { BookingError, BookingErrorCode } from '../../shared/domain/booking-error.js';
import type { Booking, BookingActor, BookingAuditEvent, DisputeRecord, Lapse } from './booking.js';
import { currentTimes } from './booking.js';
import { type BookingStatus, SLOT_HOLDING_STATUSES, assertTransition, isBookingStatus, isTerminal } from './booking-status.js';
import { cancellationFee } from '@bp/pricing';
import { declineMessage } from './payment-failure.js';

export interface TransitionContext {
  actor: BookingActor;
  now: Date;
  requestId?: string;
  source?: string;
}

/** What a change asks of the world besides the booking document: payment commands and slot claims. */
export type BookingEffect =
  | { kind: 'place_hold' }
  | { kind: 'capture'; amountCents: number; reason: string }
  | { kind: 'release_hold'; reason: string }
  | { kind: 'refund'; amountCents: number; reason: string; initiatedBy: 'patient' | 'provider' | 'admin' | 'system' }
  | { kind: 'claim_slot'; holdId: string; start: Date; end: Date }
  | { kind: 'make_slot_permanent'; holdId: string }
  | { kind: 'release_slot'; holdId: string };

export interface BookingChange {
  previous: Booking;
  booking: Booking;
  audit: BookingAuditEvent[];
  effects: BookingEffect[];
}

/** Provider settings a transition needs. */
export interface TransitionRules {
  confirmationDeadlineHours: number;
  allowReschedule: boolean;
  maxRescheduleAttempts: number;
  rescheduleNoticeHours: number;
  allowCancellation: boolean;
  cancellationNoticeHours: number;
  cancellationFeePercent: number;
}

function auditEntry(
  ctx: TransitionContext,
  eventType: string,
  previous?: BookingStatus,
  next?: BookingStatus,
  data?: Record<string, unknown>,
): BookingAuditEvent {
  return {
    eventType,
    ...(previous ? { previousStatus: previous } : {}),
    ...(next ? { newStatus: next } : {}),
    ...(data ? { data } : {}),
    actor: ctx.actor,
    context: { ...(ctx.requestId ? { requestId: ctx.requestId } : {}), source: ctx.source ?? (ctx.actor.type === 'system' ? 'system' : 'api') },
    timestamp: ctx.now,
  };
}

/** Builds a change: the next booking (version + 1, one audit entry per event), validated against the state machine. */
function change(
  previous: Booking,
  ctx: TransitionContext,
  eventType: string,
  to: BookingStatus | undefined,
  patch: Partial<Booking>,
  effects: BookingEffect[] = [],
  data?: Record<string, unknown>,
): BookingChange {
  if (to && to !== previous.status) assertTransition(previous.status, to);
  const entry = auditEntry(ctx, eventType, previous.status, to ?? previous.status, data);
  const booking: Booking = {
    ...previous,
    ...patch,
    ...milestones(previous, to, ctx.now),
    ...(data?.['needsAdmin'] ? flagForAdmin(previous, eventType, ctx.now) : {}),
    status: to ?? previous.status,
    version: previous.version + 1,
    updatedAt: ctx.now,
  };
  return { previous, booking, audit: [entry], effects };
}

/** When a booking first reaches confirmed. */
function milestones(previous: Booking, to: BookingStatus | undefined, now: Date): Partial<Booking> {
  return to === 'confirmed' && !previous.confirmedAt ? { confirmedAt: now } : {};
}

/** Something waits for an admin: the flag, kept with when and why it was first raised. */
function flagForAdmin(previous: Booking, reason: string, now: Date): Partial<Booking> {
  return previous.needsAdmin ? {} : { needsAdmin: true, needsAdminSince: now, needsAdminReason: reason };
}

function withoutAdminFlag(booking: Booking): Booking {
  const { needsAdmin: _flag, needsAdminSince: _since, needsAdminReason: _reason, ...rest } = booking;
  return rest;
}

/** The caller must be this booking's patient / provider; anyone else learns nothing (404). */
export function assertParty(booking: Booking, actor: BookingActor, role: 'patient' | 'provider' | 'either'): void {
  if (actor.type === 'admin' || actor.type === 'system') return;
  const isPatient = actor.type === 'patient' && booking.patientId === actor.id;
  const isProvider = actor.type === 'provider' && booking.providerId === actor.id;
  if (!isPatient && !isProvider) throw new BookingError(BookingErrorCode.BookingNotFound, 'No such booking');
  const allowed = role === 'either' || (role === 'patient' && isPatient) || (role === 'provider' && isProvider);
  if (!allowed) throw new BookingError(BookingErrorCode.Forbidden, `Only the booking's ${role} may do this`);
}

function assertStatus(booking: Booking, expected: readonly BookingStatus[], action: string): void {
  if (!expected.includes(booking.status)) {
    throw new BookingError(BookingErrorCode.InvalidTransition, `Cannot ${action} a booking that is ${booking.status}`, {
      status: booking.status,
      allowedFrom: expected,
    });
  }
}

// ---- payment -------------------------------------------------------------------------------------

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
    return change(booking, ctx, 'payment_held', undefined, { payment }, [{ kind: 'release_hold', reason: 'booking_ended' }], {
      paymentIntentId,
      released: true,
    });
  }
  assertStatus(booking, ['pending_payment'], 'record a hold for');
  if (booking.bookingType === 'instant' || answeredYes(booking)) {
    return change(
      booking,
      ctx,
      'payment_held',
      undefined,
      { payment: { ...payment, status: 'capture_requested' } },
      [
        {
          kind: 'capture',
          amountCents: booking.payment.originalAmountCents,
          reason: booking.bookingType === 'instant' ? 'instant_booking' : 'payment_retried',
        },
      ],
      { paymentIntentId },
    );
  }
  const start = currentTimes(booking).start.getTime();
  const expiresAt = new Date(Math.min(ctx.now.getTime() + rules.confirmationDeadlineHours * 3_600_000, Math.max(start, ctx.now.getTime())));
  const confirmation = { required: true, requestedAt: ctx.now, expiresAt, ...(options.autoConfirm ? { autoConfirm: true } : {}) };
  return change(booking, ctx, 'payment_held', 'pending_confirmation', { payment, confirmation }, [], {
    paymentIntentId,
    confirmationExpiresAt: expiresAt,
    ...(options.autoConfirm ? { autoConfirm: true } : {}),
  });
}

/** The capture went through: the booking is confirmed (instant, confirmed request, or accepted reschedule). */
export function recordCaptured(booking: Booking, amountCents: number, ctx: TransitionContext): BookingChange {
  const payment = { ...booking.payment, status: 'captured' as const, capturedAmountCents: amountCents };
  const awaitingCapture =
    (booking.status === 'pending_payment' && (booking.bookingType === 'instant' || answeredYes(booking))) ||
    (booking.status === 'pending_confirmation' && booking.confirmation.responseType === 'confirmed') ||
    (booking.status === 'reschedule_proposed' && booking.confirmation.responseType === 'rescheduled');
  if (!awaitingCapture && (isTerminal(booking.status) || booking.status === 'payment_failed')) {
    // Money arrived for a booking that will not take place (an override, a late capture): give it back.
    return change(
      booking,
      ctx,
      'payment_captured',
      undefined,
      { payment },
      [{ kind: 'refund', amountCents, reason: 'captured_after_end', initiatedBy: 'system' }],
      {
        amountCents,
        refunded: true,
      },
    );
  }
  if (!awaitingCapture) return change(booking, ctx, 'payment_captured', undefined, { payment }, [], { amountCents });
  return change(booking, ctx, 'payment_captured', 'confirmed', { payment }, [], { amountCents });
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
  if (!waitingForMoney) return change(booking, ctx, 'payment_failed', undefined, { payment }, [], { stage, reason, needsAdmin: true });
  const retryUntil = new Date(Math.max(ctx.now.getTime(), Math.min(ctx.now.getTime() + retryWindowMs, currentTimes(booking).start.getTime())));
  return change(booking, ctx, 'payment_failed', 'payment_failed', { payment: { ...payment, retryUntil } }, [], { stage, reason, retryUntil });
}

/** The patient pays again (a new attempt at the hold) within the retry window, with the same card or another of theirs. */
export function retryPayment(booking: Booking, ctx: TransitionContext, paymentMethodId?: string): BookingChange {
  assertParty(booking, ctx.actor, 'patient');
  assertStatus(booking, ['payment_failed'], 'retry the payment of');
  if (booking.payment.retryUntil && ctx.now.getTime() >= booking.payment.retryUntil.getTime())
    throw new BookingError(BookingErrorCode.BookingExpired, 'The time to pay for this booking has passed');
  const { retryUntil: _closed, ...payment } = booking.payment;
  return change(
    booking,
    ctx,
    'payment_initiated',
    'pending_payment',
    { payment: { ...payment, status: 'pending', ...(paymentMethodId ? { paymentMethodId } : {}) } },
    [{ kind: 'place_hold' }],
    paymentMethodId ? { paymentMethodId } : undefined,
  );
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
  return change(booking, ctx, 'payment_action_required', undefined, { payment }, [], { paymentIntentId: action.paymentIntentId, actionExpiresAt: expiresAt });
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
  return change(booking, ctx, 'payment_refunded', undefined, { payment }, [], refund);
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
  return change(booking, ctx, 'payment_disputed', undefined, { disputes: withDispute(booking, { disputeId: dispute.disputeId, status: 'open' }) }, [], {
    ...dispute,
    needsAdmin: true,
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
  return change(
    booking,
    ctx,
    'payment_dispute_closed',
    undefined,
    { disputes: withDispute(booking, { disputeId: dispute.disputeId, status: dispute.outcome }) },
    [],
    { ...dispute, ...(dispute.outcome === 'lost' ? { needsAdmin: true } : {}) },
  );
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
    return change(booking, ctx, 'payment_failed', 'payment_failed', { payment }, [], { ...data, stage: 'hold' });
  if (stillNeeded && (booking.status === 'pending_confirmation' || booking.status === 'reschedule_proposed')) {
    const proposal = booking.reschedule.current;
    return change(
      booking,
      ctx,
      'expired',
      'expired',
      {
        payment,
        confirmation: { ...booking.confirmation, responseType: booking.confirmation.responseType ?? 'expired' },
        ...(proposal ? { reschedule: closeProposal(booking, ctx.now, false) } : {}),
      },
      [{ kind: 'release_slot', holdId: booking.holdId }, ...(proposal ? [{ kind: 'release_slot' as const, holdId: proposal.holdId }] : [])],
      { ...data, lapse: 'payment_hold' satisfies Lapse, needsAdmin: true },
    );
  }
  return change(booking, ctx, 'payment_released', undefined, { payment }, [], reason ? data : undefined);
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
    return change(
      booking,
      ctx,
      'expired',
      'expired',
      { confirmation: { ...booking.confirmation, responseType: 'expired' } },
      [
        { kind: 'release_hold', reason: 'payment_hold_expiring' },
        { kind: 'release_slot', holdId: booking.holdId },
      ],
      data,
    );
  }
  const proposal = booking.reschedule.current;
  if (booking.status === 'reschedule_proposed' && proposal && booking.confirmation.responseType !== 'rescheduled') {
    return change(
      booking,
      ctx,
      'expired',
      'expired',
      { reschedule: closeProposal(booking, ctx.now, false) },
      [
        { kind: 'release_hold', reason: 'payment_hold_expiring' },
        { kind: 'release_slot', holdId: booking.holdId },
        { kind: 'release_slot', holdId: proposal.holdId },
      ],
      data,
    );
  }
  if (booking.payment.status !== 'held' && booking.payment.status !== 'capture_requested')
    throw new BookingError(BookingErrorCode.InvalidTransition, 'The booking no longer relies on this hold');
  return change(booking, ctx, 'payment_hold_expiring', undefined, {}, [], { reason: data.reason, holdExpiresAt: expiresAt, needsAdmin: true });
}

// ---- provider decisions --------------------------------------------------------------------------

function assertAwaitingProvider(booking: Booking, now: Date): void {
  assertStatus(booking, ['pending_confirmation'], 'respond to');
  if (booking.confirmation.responseType)
    throw new BookingError(BookingErrorCode.InvalidTransition, `The provider already answered (${booking.confirmation.responseType})`);
  if (booking.confirmation.expiresAt && now.getTime() >= booking.confirmation.expiresAt.getTime())
    throw new BookingError(BookingErrorCode.BookingExpired, 'This booking request has expired');
  if (now.getTime() >= currentTimes(booking).start.getTime()) throw new BookingError(BookingErrorCode.BookingExpired, 'The requested time has already started');
}

/** The provider accepts: the hold is captured, and the booking is confirmed when the capture lands. */
export function confirm(booking: Booking, ctx: TransitionContext): BookingChange {
  assertParty(booking, ctx.actor, 'provider');
  assertAwaitingProvider(booking, ctx.now);
  return change(
    booking,
    ctx,
    'confirmed',
    undefined,
    {
      confirmation: { ...booking.confirmation, respondedAt: ctx.now, responseType: 'confirmed' },
      payment: { ...booking.payment, status: 'capture_requested' },
    },
    [{ kind: 'capture', amountCents: booking.payment.originalAmountCents, reason: 'provider_confirmed' }],
  );
}

export function decline(booking: Booking, reason: string | undefined, ctx: TransitionContext): BookingChange {
  assertParty(booking, ctx.actor, 'provider');
  assertAwaitingProvider(booking, ctx.now);
  return change(
    booking,
    ctx,
    'declined',
    'cancelled_provider',
    { confirmation: { ...booking.confirmation, respondedAt: ctx.now, responseType: 'declined', ...(reason ? { declineReason: reason } : {}) } },
    [
      { kind: 'release_hold', reason: 'provider_declined' },
      { kind: 'release_slot', holdId: booking.holdId },
    ],
    reason ? { reason } : undefined,
  );
}

/** A deadline fired (scheduler command). It applies only if nobody answered (or paid) in time. */
export function expire(
  booking: Booking,
  deadline: 'confirmation' | 'reschedule_response' | 'payment_retry' | 'payment_action',
  ctx: TransitionContext,
): BookingChange {
  const lapse: { lapse: Lapse } = { lapse: deadline };
  if (deadline === 'payment_action') {
    assertStatus(booking, ['pending_payment'], 'expire the payment authentication of');
    const action = booking.payment.action;
    if (booking.payment.status !== 'requires_action' || !action || ctx.now < action.expiresAt)
      throw new BookingError(BookingErrorCode.InvalidTransition, 'The time to authenticate the payment has not passed');
    // The intent is cancelled, so an authentication completed later cannot authorise anything.
    const { action: _lapsed, ...payment } = booking.payment;
    return change(
      booking,
      ctx,
      'expired',
      'expired',
      { payment },
      [
        { kind: 'release_hold', reason: 'payment_action_expired' },
        { kind: 'release_slot', holdId: booking.holdId },
      ],
      lapse,
    );
  }
  if (deadline === 'confirmation') {
    assertStatus(booking, ['pending_confirmation'], 'expire');
    if (booking.confirmation.responseType)
      throw new BookingError(BookingErrorCode.InvalidTransition, `The provider already answered (${booking.confirmation.responseType})`);
    if (!booking.confirmation.expiresAt || ctx.now < booking.confirmation.expiresAt)
      throw new BookingError(BookingErrorCode.InvalidTransition, 'The confirmation deadline has not passed');
    return change(
      booking,
      ctx,
      'expired',
      'expired',
      { confirmation: { ...booking.confirmation, responseType: 'expired' } },
      [
        { kind: 'release_hold', reason: 'confirmation_expired' },
        { kind: 'release_slot', holdId: booking.holdId },
      ],
      lapse,
    );
  }
  if (deadline === 'payment_retry') {
    assertStatus(booking, ['payment_failed'], 'expire the payment of');
    if (!booking.payment.retryUntil || ctx.now < booking.payment.retryUntil)
      throw new BookingError(BookingErrorCode.InvalidTransition, 'The time to pay has not passed');
    // An authorisation may remain from before a failed capture: let it go too.
    return change(
      booking,
      ctx,
      'expired',
      'expired',
      {},
      [
        { kind: 'release_hold', reason: 'payment_retry_expired' },
        { kind: 'release_slot', holdId: booking.holdId },
      ],
      lapse,
    );
  }
  assertStatus(booking, ['reschedule_proposed'], 'expire the reschedule of');
  const proposal = booking.reschedule.current;
  if (!proposal || booking.confirmation.responseType === 'rescheduled' || ctx.now < proposal.responseDeadline)
    throw new BookingError(BookingErrorCode.InvalidTransition, 'The reschedule response deadline has not passed');
  return change(
    booking,
    ctx,
    'expired',
    'expired',
    { reschedule: closeProposal(booking, ctx.now, false) },
    [
      { kind: 'release_hold', reason: 'reschedule_expired' },
      { kind: 'release_slot', holdId: booking.holdId },
      { kind: 'release_slot', holdId: proposal.holdId },
    ],
    lapse,
  );
}

// ---- reschedule ----------------------------------------------------------------------------------

export function proposeReschedule(
  booking: Booking,
  proposal: { start: Date; end: Date; holdId: string; message?: string },
  rules: TransitionRules,
  ctx: TransitionContext,
): BookingChange {
  assertParty(booking, ctx.actor, 'provider');
  assertAwaitingProvider(booking, ctx.now);
  if (!rules.allowReschedule) throw new BookingError(BookingErrorCode.RescheduleNotAllowed, 'This provider does not offer reschedules');
  if (booking.reschedule.count >= booking.reschedule.maxAttempts)
    throw new BookingError(BookingErrorCode.RescheduleLimitReached, `At most ${booking.reschedule.maxAttempts} reschedule proposals`);
  if (proposal.start.getTime() <= ctx.now.getTime()) throw new BookingError(BookingErrorCode.SlotInPast, 'The proposed time has already started');
  const deadline = new Date(Math.min(ctx.now.getTime() + rules.rescheduleNoticeHours * 3_600_000, proposal.start.getTime()));
  const { start, end } = currentTimes(booking);
  const current = {
    proposedBy: 'provider' as const,
    proposedAt: ctx.now,
    proposedStart: proposal.start,
    proposedEnd: proposal.end,
    responseDeadline: deadline,
    holdId: proposal.holdId,
    ...(proposal.message ? { message: proposal.message } : {}),
  };
  const attempt = {
    attemptNumber: booking.reschedule.count + 1,
    fromStart: start,
    fromEnd: end,
    toStart: proposal.start,
    toEnd: proposal.end,
    proposedBy: 'provider' as const,
    proposedAt: ctx.now,
    ...(proposal.message ? { message: proposal.message } : {}),
  };
  return change(
    booking,
    ctx,
    'reschedule_proposed',
    'reschedule_proposed',
    {
      confirmation: { ...booking.confirmation, respondedAt: ctx.now },
      reschedule: { ...booking.reschedule, count: booking.reschedule.count + 1, current, history: [...booking.reschedule.history, attempt] },
    },
    [{ kind: 'claim_slot', holdId: proposal.holdId, start: proposal.start, end: proposal.end }],
    { proposedStart: proposal.start, proposedEnd: proposal.end, responseDeadline: deadline },
  );
}

function closeProposal(booking: Booking, now: Date, accepted: boolean): Booking['reschedule'] {
  const history = booking.reschedule.history.map((h, i, all) => (i === all.length - 1 ? { ...h, respondedAt: now, accepted } : h));
  const { current: _closed, ...rest } = booking.reschedule;
  return { ...rest, history };
}

function assertProposalOpen(booking: Booking, now: Date) {
  assertStatus(booking, ['reschedule_proposed'], 'answer the reschedule of');
  const proposal = booking.reschedule.current;
  if (!proposal || booking.confirmation.responseType === 'rescheduled')
    throw new BookingError(BookingErrorCode.InvalidTransition, 'There is no open reschedule proposal');
  if (now.getTime() >= proposal.responseDeadline.getTime()) throw new BookingError(BookingErrorCode.BookingExpired, 'The reschedule proposal has expired');
  return proposal;
}

/** The patient takes the new time: the booking moves, the old slot is freed, the hold is captured. */
export function acceptReschedule(booking: Booking, ctx: TransitionContext): BookingChange {
  assertParty(booking, ctx.actor, 'patient');
  const proposal = assertProposalOpen(booking, ctx.now);
  return change(
    booking,
    ctx,
    'reschedule_accepted',
    undefined,
    {
      holdId: proposal.holdId,
      dateTime: { ...booking.dateTime, confirmedStart: proposal.proposedStart, confirmedEnd: proposal.proposedEnd },
      confirmation: { ...booking.confirmation, responseType: 'rescheduled' },
      reschedule: closeProposal(booking, ctx.now, true),
      payment: { ...booking.payment, status: 'capture_requested' },
    },
    [
      { kind: 'make_slot_permanent', holdId: proposal.holdId },
      { kind: 'release_slot', holdId: booking.holdId },
      { kind: 'capture', amountCents: booking.payment.originalAmountCents, reason: 'reschedule_accepted' },
    ],
    { start: proposal.proposedStart, end: proposal.proposedEnd },
  );
}

export function declineReschedule(booking: Booking, ctx: TransitionContext): BookingChange {
  assertParty(booking, ctx.actor, 'patient');
  const proposal = assertProposalOpen(booking, ctx.now);
  return change(
    booking,
    ctx,
    'reschedule_declined',
    'cancelled_patient',
    {
      reschedule: closeProposal(booking, ctx.now, false),
      cancellation: { by: 'patient', reason: 'reschedule_declined', at: ctx.now, feePercent: 0, feeCents: 0 },
    },
    [
      { kind: 'release_hold', reason: 'reschedule_declined' },
      { kind: 'release_slot', holdId: booking.holdId },
      { kind: 'release_slot', holdId: proposal.holdId },
    ],
  );
}

// ---- cancellation and the visit ------------------------------------------------------------------

/** A hold is in place, or may be: held, or failed at the capture after a hold (an authorisation can outlive it). */
function mayStillBeAuthorised(booking: Booking): boolean {
  const { status, paymentIntentId } = booking.payment;
  return status === 'held' || ((status === 'failed' || status === 'requires_action') && Boolean(paymentIntentId));
}

/** Frees every slot the booking holds: its own and an open proposal's. */
function releaseSlots(booking: Booking): BookingEffect[] {
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
  return change(
    booking,
    ctx,
    'cancelled',
    to,
    {
      cancellation: { by: ctx.actor.type, ...(reason ? { reason } : {}), at: ctx.now, feePercent: feeCents > 0 ? feePercent : 0, feeCents },
      notes: { ...booking.notes, ...(reason ? { cancellationReason: reason } : {}) },
      payment: { ...booking.payment, cancellationFeeCents: feeCents },
    },
    effects,
    { reason, feeCents },
  );
}

export function checkIn(booking: Booking, ctx: TransitionContext): BookingChange {
  assertParty(booking, ctx.actor, 'provider');
  return change(booking, ctx, 'status_changed', 'checked_in', {});
}

export function startVisit(booking: Booking, ctx: TransitionContext): BookingChange {
  assertParty(booking, ctx.actor, 'provider');
  return change(booking, ctx, 'status_changed', 'in_progress', { dateTime: { ...booking.dateTime, actualStart: ctx.now } });
}

export function complete(booking: Booking, ctx: TransitionContext): BookingChange {
  assertParty(booking, ctx.actor, 'provider');
  return change(booking, ctx, 'completed', 'completed', { dateTime: { ...booking.dateTime, actualEnd: ctx.now } }, [
    { kind: 'release_slot', holdId: booking.holdId },
  ]);
}

export function markNoShow(booking: Booking, ctx: TransitionContext): BookingChange {
  assertParty(booking, ctx.actor, 'provider');
  return change(booking, ctx, 'no_show', 'no_show', {}, [{ kind: 'release_slot', holdId: booking.holdId }]);
}

// ---- admin ---------------------------------------------------------------------------------------

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
    effects.push({ kind: 'claim_slot', holdId, start, end }, { kind: 'make_slot_permanent', holdId });
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
