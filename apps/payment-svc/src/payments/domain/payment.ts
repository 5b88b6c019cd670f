import { type FeePolicy, type PlatformFee, platformFee, providerPayout } from '@bp/pricing';
import { PaymentError, PaymentErrorCode } from './payment-error.js';

export type PaymentStatus = 'pending' | 'requires_action' | 'held' | 'captured' | 'refunded' | 'partial_refund' | 'failed' | 'cancelled';

/** Statuses from which the card may still be authorised (or charged): nothing is held yet. */
const NOT_YET_AUTHORISED: readonly PaymentStatus[] = ['pending', 'requires_action', 'failed'];
export type CaptureMode = 'automatic' | 'manual';
export type RefundInitiator = 'patient' | 'provider' | 'admin' | 'system';

/** Stripe's limit on an uncaptured card authorisation when it does not say otherwise. */
export const DEFAULT_HOLD_DAYS = 7;

export interface Refund {
  refundId?: string;
  /** The command or API request that asked for it: the same request never refunds twice. */
  requestId?: string;
  amountCents: number;
  reason: string;
  initiatedBy: RefundInitiator;
  createdAt: Date;
}

/** What the provider's Connect account has received for this payment (see payout.ts). */
export interface Payout {
  status: 'due' | 'awaiting_account' | 'withheld_dispute' | 'sent' | 'none_owed';
  destination?: string;
  transferId?: string;
  transferredCents: number;
  reversals: { reversalId: string; amountCents: number; createdAt: Date }[];
}

/** payment-svc's record of one booking's money (the spec's Booking.payment, owned here). */
export interface Payment {
  bookingId: string;
  /** The booking number: Stripe's transfer group for the charge and the payout. */
  bookingNumber?: string;
  patientId: string;
  providerId: string;
  currency: string;
  captureMode: CaptureMode;
  status: PaymentStatus;
  amountCents: number;
  capturedCents: number;
  refundedCents: number;
  fee: PlatformFee;
  paymentIntentId?: string;
  hold?: { createdAt: Date; expiresAt: Date; expiringNotifiedAt?: Date; capturedAt?: Date; cancelledAt?: Date; cancelReason?: string };
  /** A capture booking-svc asked for while `payment.disable_captures` was on; it runs when the switch is off. */
  deferredCapture?: { amountCents: number; reason: string; requestedAt: Date };
  /** Set while a capture waits (an equality the database can index and filter on). */
  captureWaiting?: true;
  /** A refund asked of Stripe and not yet recorded: its key is kept so a retry repeats it, never doubles it. */
  refundInFlight?: { requestId: string; amountCents: number; reason: string; initiatedBy: RefundInitiator; stripeKey: string; startedAt?: Date };
  /** Set while a refund is in flight (an equality the sweeper finds it by). */
  refundPending?: true;
  payout?: Payout;
  /** Set while the provider's payout has something left to do. */
  payoutDue?: true;
  /**
   * A request booking charged at once (`booking.payment_holds_enabled` off for its provider): the money
   * is taken but the provider has not confirmed; confirmation pays the provider, a decline or expiry
   * refunds it all.
   */
  awaitingConfirmation?: true;
  refunds: Refund[];
  /** Refunds Stripe refused (abandonRefund): never made, kept so an admin sees what was asked and why it failed. */
  refusedRefunds?: Array<Omit<NonNullable<Payment['refundInFlight']>, 'stripeKey' | 'startedAt'> & { code: string; message: string; refusedAt: Date }>;
  /** Cardholder disputes of the charge (see dispute.ts). */
  disputes?: Dispute[];
  /** Set while a dispute is open: refunds are refused and an unsent payout waits. */
  disputeOpen?: true;
  failure?: { stage: 'hold' | 'capture'; code: string; message: string };
  /** While `requires_action`: the cardholder must authenticate (3-D Secure) in the app, with this client secret. */
  action?: { clientSecret: string; requestedAt: Date };
  /** Counts attempts per operation: part of the Stripe idempotency key, so a retry after a failure is a new request. */
  attempts: Record<string, number>;
  version: number;
}

export interface NewPayment {
  bookingId: string;
  bookingNumber?: string;
  patientId: string;
  providerId: string;
  amountCents: number;
  currency: string;
  captureMode: CaptureMode;
  feePolicy: FeePolicy;
  /**
   * The fee booking-svc priced the booking with (the patient saw it): recorded as is, so a fee setting
   * changed since, or set differently on this service, never changes what this booking pays out.
   * Absent, it is computed from `feePolicy`.
   */
  platformFeeCents?: number;
}

export function newPayment(input: NewPayment): Payment {
  if (!Number.isInteger(input.amountCents) || input.amountCents <= 0)
    throw new PaymentError(PaymentErrorCode.ValidationFailed, 'amount must be a positive number of cents');
  const { feePolicy, platformFeeCents, ...rest } = input;
  if (platformFeeCents !== undefined && (!Number.isInteger(platformFeeCents) || platformFeeCents < 0 || platformFeeCents > input.amountCents))
    throw new PaymentError(PaymentErrorCode.ValidationFailed, 'the platform fee must be a whole number of cents between 0 and the amount');
  return {
    ...rest,
    status: 'pending',
    capturedCents: 0,
    refundedCents: 0,
    fee: platformFeeCents === undefined ? platformFee(input.amountCents, feePolicy) : { ...feePolicy, calculatedFeeCents: platformFeeCents },
    refunds: [],
    attempts: {},
    version: 1,
  };
}

/**
 * The key Stripe deduplicates a call by: the booking, the operation and its attempt. Persisted before
 * the call, so a crash between Stripe's answer and our write repeats the same request (Stripe replays
 * its first answer) instead of holding or charging twice; a deliberate retry after a failure bumps
 * the attempt.
 */
export function stripeIdempotencyKey(payment: Pick<Payment, 'bookingId' | 'attempts'>, operation: string): string {
  return `booking:${payment.bookingId}:${operation}:${payment.attempts[operation] ?? 1}`;
}

/** The next attempt of an operation (after a failure the patient may retry). */
export function nextAttempt(payment: Payment, operation: string): Payment {
  return { ...payment, attempts: { ...payment.attempts, [operation]: (payment.attempts[operation] ?? 1) + 1 } };
}

/**
 * The patient pays again after a capture failed: the old authorisation has been cancelled, and the
 * payment starts over as a failed one (the retry then bumps the hold's key); the next capture and
 * cancel go out under new keys too, or Stripe would replay the old intent's answers.
 */
export function abandonFailedCapture(payment: Payment): Payment {
  assertStatus(payment, ['held'], 'abandon the failed capture of');
  const { paymentIntentId: _old, hold: _lapsed, ...rest } = ['capture', 'cancel'].reduce(nextAttempt, payment);
  return bump(rest as Payment, { status: 'failed' });
}

function assertStatus(payment: Payment, allowed: readonly PaymentStatus[], action: string): void {
  if (!allowed.includes(payment.status)) {
    throw new PaymentError(PaymentErrorCode.InvalidPaymentTransition, `Cannot ${action} a payment that is ${payment.status}`, {
      status: payment.status,
      allowedFrom: allowed,
    });
  }
}

function bump(payment: Payment, patch: Partial<Payment>): Payment {
  return { ...payment, ...patch, version: payment.version + 1 };
}

/** Stripe authorised the card: a manual-capture hold until Stripe's capture_before, or 7 days. */
export function recordHold(payment: Payment, paymentIntentId: string, now: Date, captureBefore?: Date): Payment {
  assertStatus(payment, NOT_YET_AUTHORISED, 'record a hold for');
  const expiresAt = captureBefore ?? new Date(now.getTime() + DEFAULT_HOLD_DAYS * 86_400_000);
  const { failure: _cleared, action: _done, ...rest } = payment;
  return bump(rest, { status: 'held', paymentIntentId, hold: { createdAt: now, expiresAt } });
}

/**
 * A request booking charged at once instead of held (payment holds switched off): captured, with no
 * payout yet — the provider has not confirmed. booking-svc still hears "hold placed" and waits for the
 * provider as usual; the nominal expiry only bounds the wait like a hold's would.
 */
export function recordUpfrontCharge(payment: Payment, paymentIntentId: string, capturedCents: number, now: Date): Payment {
  assertStatus(payment, NOT_YET_AUTHORISED, 'record a charge for');
  if (capturedCents > payment.amountCents)
    throw new PaymentError(PaymentErrorCode.CaptureExceedsHold, `Cannot charge ${capturedCents} of ${payment.amountCents}`, { limit: payment.amountCents });
  const { failure: _cleared, action: _done, ...rest } = payment;
  return bump(rest, {
    status: 'captured',
    paymentIntentId,
    capturedCents,
    hold: { createdAt: now, expiresAt: new Date(now.getTime() + DEFAULT_HOLD_DAYS * 86_400_000), capturedAt: now },
    awaitingConfirmation: true,
  });
}

/** The provider confirmed a booking charged up front: the provider's share is now due. */
export function confirmUpfrontCharge(payment: Payment): Payment {
  if (!payment.awaitingConfirmation) return payment;
  const { awaitingConfirmation: _confirmed, ...rest } = payment;
  return bump(rest, { payout: { status: 'due', transferredCents: 0, reversals: [] }, payoutDue: true });
}

/** The kill switch is on: the capture is remembered, not sent, and runs once captures are allowed again. */
export function deferCapture(payment: Payment, amountCents: number, reason: string, now: Date): Payment {
  if (payment.captureWaiting) return payment;
  assertStatus(payment, ['held'], 'defer the capture of');
  return bump(payment, { deferredCapture: { amountCents, reason, requestedAt: now }, captureWaiting: true });
}

/** The money is taken; the provider's share is now due to their Connect account. */
export function recordCapture(payment: Payment, capturedCents: number, now: Date): Payment {
  if (payment.status === 'captured' && payment.capturedCents === capturedCents) return payment; // a replayed answer
  assertStatus(payment, payment.captureMode === 'automatic' ? ['pending', 'held'] : ['held'], 'capture');
  const limit = payment.amountCents;
  if (capturedCents > limit) throw new PaymentError(PaymentErrorCode.CaptureExceedsHold, `Cannot capture ${capturedCents} of a ${limit} hold`, { limit });
  const { captureWaiting: _done, failure: _recovered, ...rest } = payment;
  return bump(rest, {
    status: 'captured',
    capturedCents,
    ...(payment.hold ? { hold: { ...payment.hold, capturedAt: now } } : {}),
    payout: { status: 'due', transferredCents: 0, reversals: [] },
    payoutDue: true,
  });
}

export function recordCancelled(payment: Payment, reason: string, now: Date): Payment {
  if (payment.status === 'cancelled') return payment;
  assertStatus(payment, ['pending', 'requires_action', 'held', 'failed'], 'cancel');
  const { captureWaiting: _dropped, action: _abandoned, ...rest } = payment;
  return bump(rest, { status: 'cancelled', ...(payment.hold ? { hold: { ...payment.hold, cancelledAt: now, cancelReason: reason } } : {}) });
}

export function recordFailure(payment: Payment, stage: 'hold' | 'capture', code: string, message: string): Payment {
  assertStatus(payment, stage === 'hold' ? NOT_YET_AUTHORISED : ['held'], `record a ${stage} failure of`);
  const { action: _failed, ...rest } = payment;
  return bump(rest as Payment, { status: stage === 'hold' ? 'failed' : payment.status, failure: { stage, code, message } });
}

/**
 * The card's bank asks the cardholder to authenticate (3-D Secure): nothing is held until they do in
 * the app; Stripe's webhook then brings the hold (or the failure).
 */
export function recordActionRequired(payment: Payment, paymentIntentId: string, clientSecret: string, now: Date): Payment {
  assertStatus(payment, NOT_YET_AUTHORISED, 'ask the cardholder to authenticate');
  const { failure: _cleared, ...rest } = payment;
  return bump(rest as Payment, { status: 'requires_action', paymentIntentId, action: { clientSecret, requestedAt: now } });
}

/**
 * A refund about to be asked of Stripe, written first: a crash after Stripe's answer repeats the same
 * request (same key, same amount) instead of refunding again. Never more than what remains.
 */
export function startRefund(payment: Payment, amountCents: number, reason: string, initiatedBy: RefundInitiator, requestId: string, now: Date): Payment {
  if (payment.refundInFlight?.requestId === requestId) return payment;
  if (payment.refundInFlight)
    throw new PaymentError(PaymentErrorCode.RefundInProgress, 'Another refund of this payment is in progress', { requestId: payment.refundInFlight.requestId });
  if (payment.disputeOpen)
    throw new PaymentError(PaymentErrorCode.PaymentDisputed, 'The cardholder disputes this charge; it cannot be refunded until the dispute closes', {
      disputeIds: (payment.disputes ?? []).filter((d) => d.status === 'open').map((d) => d.disputeId),
    });
  assertRefundable(payment, amountCents);
  const stripeKey = stripeIdempotencyKey(payment, refundOperation(payment));
  return bump(payment, { refundInFlight: { requestId, amountCents, reason, initiatedBy, stripeKey, startedAt: now }, refundPending: true });
}

/** The Stripe operation of the next refund: its attempt counter moves on when Stripe refuses one (abandonRefund). */
function refundOperation(payment: Payment): string {
  return `refund-${payment.refunds.length + 1}`;
}

/**
 * Stripe refused the refund in flight for good (the charge is disputed, already refunded, …): it is
 * dropped and kept in `refusedRefunds` for an admin, and the next refund goes out under a new key
 * (the old one would replay the refusal).
 */
export function abandonRefund(payment: Payment, code: string, message: string, now: Date): Payment {
  const pending = payment.refundInFlight;
  if (!pending) return payment;
  const { refundInFlight: _dropped, refundPending: _done, ...rest } = nextAttempt(payment, refundOperation(payment));
  const { stripeKey: _key, startedAt: _started, ...refused } = pending;
  return bump(rest as Payment, { refusedRefunds: [...(payment.refusedRefunds ?? []), { ...refused, code, message, refusedAt: now }] });
}

/** What is still ours to give back: captured, less refunds, less what lost disputes already returned. */
export function refundableCents(payment: Payment): number {
  return payment.capturedCents - payment.refundedCents - lostToDisputesCents(payment);
}

function assertRefundable(payment: Payment, amountCents: number): void {
  // Everything already went back: asking for more is asking for more than remains, not a wrong state.
  if (payment.status === 'refunded' && Number.isInteger(amountCents) && amountCents > 0)
    throw new PaymentError(PaymentErrorCode.RefundExceedsCaptured, 'Nothing of the captured amount remains to refund', {
      remainingCents: 0,
      requestedCents: amountCents,
    });
  assertStatus(payment, ['captured', 'partial_refund'], 'refund');
  const remaining = refundableCents(payment);
  if (!Number.isInteger(amountCents) || amountCents <= 0) throw new PaymentError(PaymentErrorCode.ValidationFailed, 'A refund is a positive number of cents');
  if (amountCents > remaining)
    throw new PaymentError(PaymentErrorCode.RefundExceedsCaptured, `Only ${remaining} cents of the captured amount remain to refund`, {
      remainingCents: remaining,
      requestedCents: amountCents,
    });
}

/** A refund Stripe made: part or all of what was captured, never more than what remains. */
export function refund(
  payment: Payment,
  amountCents: number,
  reason: string,
  initiatedBy: RefundInitiator,
  now: Date,
  ids: { refundId?: string; requestId?: string } = {},
): Payment {
  assertRefundable(payment, amountCents);
  const refundedCents = payment.refundedCents + amountCents;
  const { refundInFlight: _recorded, refundPending: _done, ...rest } = payment;
  return bump(rest, {
    status: refundedCents + lostToDisputesCents(payment) >= payment.capturedCents ? 'refunded' : 'partial_refund',
    refundedCents,
    refunds: [...payment.refunds, { amountCents, reason, initiatedBy, createdAt: now, ...ids }],
    // Less is owed to the provider now: a payout already sent is partly reversed (payout.ts).
    ...(payment.payout ? { payoutDue: true as const } : {}),
  });
}

/** What the provider's Connect account receives for this payment now: captured, less refunds and lost disputes, less the platform fee. */
export function transferableCents(payment: Payment): number {
  return providerPayout(refundableCents(payment), payment.fee);
}

/**
 * A refund left in flight longer than `afterMs`: its caller is gone (a crash between Stripe's answer and
 * our write), so the sweeper finishes it. One still being asked by its caller is left alone, or both
 * would finish it and one of them would lose the write. Older records without a start time count as left.
 */
export function refundAbandonedInFlight(payment: Payment, now: Date, afterMs: number): boolean {
  const startedAt = payment.refundInFlight?.startedAt;
  return !!payment.refundInFlight && (!startedAt || now.getTime() - startedAt.getTime() >= afterMs);
}

/** A hold close to lapsing (within `withinMs`), for the hold monitor. */
export function holdExpiringSoon(payment: Pick<Payment, 'status' | 'hold'>, now: Date, withinMs = HOLD_WARNING_MS): boolean {
  return payment.status === 'held' && !!payment.hold && payment.hold.expiresAt.getTime() - now.getTime() <= withinMs;
}

/** How long before a hold lapses the monitor raises PaymentHoldExpiring. */
export const HOLD_WARNING_MS = 24 * 3_600_000;

/** The monitor told booking-svc once that this hold lapses soon. */
export function markHoldExpiringNotified(payment: Payment, now: Date): Payment {
  assertStatus(payment, ['held'], 'warn about the hold of');
  return bump(payment, { hold: { ...payment.hold!, expiringNotifiedAt: now } });
}

/** Stripe kept the card authorised longer than we thought (its capture_before moved): keep watching until then. */
export function extendHold(payment: Payment, expiresAt: Date): Payment {
  assertStatus(payment, ['held'], 'extend the hold of');
  const { expiringNotifiedAt: _reset, ...hold } = payment.hold!;
  return bump(payment, { hold: { ...hold, expiresAt } });
}

/** A cardholder's dispute of the charge, as Stripe reports it. */
export interface Dispute {
  disputeId: string;
  amountCents: number;
  reason: string;
  status: 'open' | 'won' | 'lost';
  openedAt: Date;
  closedAt?: Date;
}

/** What lost disputes took back from the captured amount. */
export function lostToDisputesCents(payment: Pick<Payment, 'disputes'>): number {
  return (payment.disputes ?? []).filter((d) => d.status === 'lost').reduce((sum, d) => sum + d.amountCents, 0);
}
