import { Injectable, Logger } from '@nestjs/common';
import type { CapturePayment, PlacePaymentHold, RefundPayment, ReleasePaymentHold } from '@bp/contracts';
import { FeatureFlags } from '@bp/messaging';
import { DEFAULT_FEE_POLICY } from '@bp/pricing';
import { PaymentConfig } from '../../config/payment.config.js';
import * as payments from '../domain/payment.js';
import type { Payment } from '../domain/payment.js';
import { paymentMetrics } from '../infrastructure/payment.metrics.js';
import { PaymentRepository } from '../infrastructure/payment.repository.js';
import { StripeGateway } from '../infrastructure/stripe-gateway.js';
import { PaymentError, PaymentErrorCode } from '../domain/payment-error.js';
import { paymentEvents } from './payment-events.js';
import { Payouts } from './payouts.js';
import { SavedCards } from './saved-cards.js';

const CARD_NOT_FOUND = 'card_not_found' as const;
const NO_CARD = 'payment_method_required' as const;

/**
 * The payment side of the booking saga: each command from booking-svc becomes one Stripe call with
 * an idempotency key persisted before it, then one conditional write of the result together with the
 * event booking-svc waits for. A crash between Stripe's answer and the write is harmless: the command
 * is delivered again, the key is the same, and Stripe answers as the first time.
 */
@Injectable()
export class PaymentCommands {
  private readonly logger = new Logger(PaymentCommands.name);

  constructor(
    private readonly repository: PaymentRepository,
    private readonly stripe: StripeGateway,
    private readonly config: PaymentConfig,
    private readonly flags: FeatureFlags,
    private readonly payouts: Payouts,
    private readonly cards: SavedCards,
  ) {}

  /**
   * Authorises the card: a manual-capture hold; or, for a request booking whose provider has
   * `booking.payment_holds_enabled` off, a charge taken at once (recordUpfrontCharge). booking-svc
   * hears PaymentHoldPlaced either way and waits for the provider. An instant booking's hold is
   * captured in the same step (captureAtOnce), and booking-svc hears PaymentCaptured instead.
   */
  async placeHold(command: PlacePaymentHold, now: Date = new Date()): Promise<Payment> {
    const captureMode = await this.captureModeFor(command);
    let payment = await this.repository.createOrGet(
      payments.newPayment({
        bookingId: command.bookingId,
        ...(command.bookingNumber ? { bookingNumber: command.bookingNumber } : {}),
        patientId: command.patientId,
        providerId: command.providerId,
        amountCents: command.amountCents,
        currency: command.currency.toLowerCase(),
        captureMode,
        feePolicy: command.feePolicy ?? DEFAULT_FEE_POLICY,
        platformFeeCents: command.platformFeeCents,
      }),
    );
    if (payment.status === 'held' && payment.failure?.stage === 'capture' && payment.paymentIntentId) {
      // The patient pays again after the capture failed: the old authorisation goes first, so only one remains.
      await this.stripe.cancel(payment.paymentIntentId, 'abandoned', payments.stripeIdempotencyKey(payment, 'cancel'));
      const abandoned = payments.abandonFailedCapture(payment);
      await this.repository.save(payment, abandoned);
      payment = abandoned;
    }
    if (payment.status !== 'pending' && payment.status !== 'failed') return payment; // already held or beyond
    const card = await this.cardFor(command);
    if (typeof card === 'string') {
      // Nothing Stripe could authorise: another patient's card, or no card at all. Failed before asking Stripe.
      const failed = payments.recordFailure(payment, 'hold', card, card === CARD_NOT_FOUND ? 'Not one of the patient’s cards' : 'The patient has no card');
      await this.repository.save(payment, failed, [paymentEvents.failed(failed)]);
      return failed;
    }
    if (payment.status === 'failed') {
      // The patient retries after a decline: a new attempt, a new key, stored before the call.
      const retry = payments.nextAttempt(payment, 'hold');
      await this.repository.save(payment, { ...retry, version: payment.version + 1 });
      payment = { ...retry, version: payment.version + 1 };
    }
    const outcome = await this.stripe.placeHold({
      bookingId: payment.bookingId,
      ...(command.bookingNumber ? { bookingNumber: command.bookingNumber } : {}),
      amountCents: payment.amountCents,
      currency: payment.currency,
      ...card,
      captureMethod: payment.captureMode,
      idempotencyKey: payments.stripeIdempotencyKey(payment, 'hold'),
    });
    if (!outcome.ok) {
      const failed = payments.recordFailure(payment, 'hold', outcome.code, outcome.message);
      await this.repository.save(payment, failed, [paymentEvents.failed(failed)]);
      return failed;
    }
    if (outcome.value.status === 'requires_action' && outcome.value.clientSecret) {
      // 3-D Secure: the patient authenticates in the app; Stripe's webhook brings the hold or the failure.
      const waiting = payments.recordActionRequired(payment, outcome.value.paymentIntentId, outcome.value.clientSecret, now);
      await this.repository.save(payment, waiting, [paymentEvents.actionRequired(waiting)]);
      return waiting;
    }
    const held =
      payment.captureMode === 'automatic'
        ? payments.recordUpfrontCharge(payment, outcome.value.paymentIntentId, outcome.value.amountReceived || payment.amountCents, now)
        : payments.recordHold(payment, outcome.value.paymentIntentId, now, outcome.value.captureBefore);
    if (command.bookingType === 'instant' && held.status === 'held') {
      const captured = await this.captureAtOnce(payment, held, now);
      if (captured) return captured;
    }
    await this.repository.save(payment, held, [paymentEvents.holdPlaced(held)]);
    return held;
  }

  /**
   * An instant booking is paid in full as it is made (the spec's Flow 1: authorise, capture at once):
   * the hold just placed is captured here, and the payment goes from pending to captured in one write
   * with PaymentCaptured, from which booking-svc confirms the booking. That saves the round trip of
   * PaymentHoldPlaced, booking-svc's write and its CapturePayment. Undefined when the capture must
   * wait: the `payment.disable_captures` kill switch is on, or Stripe did not capture. Then the hold
   * is recorded as usual and booking-svc asks for the capture, which is tried again under the same
   * idempotency key (a failure Stripe answered is answered again, and recorded as always). A crash
   * before the write repeats both calls under the same keys when the command is delivered again.
   */
  private async captureAtOnce(pending: Payment, held: Payment, now: Date): Promise<Payment | undefined> {
    if (await this.flags.isEnabled('payment.disable_captures')) return undefined;
    const outcome = await this.stripe.capture(held.paymentIntentId!, held.amountCents, payments.stripeIdempotencyKey(held, 'capture'));
    if (!outcome.ok) {
      this.logger.warn({ message: 'instant capture failed; the hold is recorded and booking-svc asks again', bookingId: held.bookingId, code: outcome.code });
      return undefined;
    }
    return this.saveCapture(pending, held, outcome.value.amountReceived || held.amountCents, now);
  }

  /** Request bookings are held unless payment holds are switched off for the provider; instant ones are held, then captured at once. */
  private async captureModeFor(command: PlacePaymentHold): Promise<payments.CaptureMode> {
    if (command.bookingType !== 'request') return 'manual';
    return (await this.flags.isEnabled('booking.payment_holds_enabled', { providerId: command.providerId })) ? 'manual' : 'automatic';
  }

  /** Captures the hold, unless the `payment.disable_captures` kill switch is on: then the capture waits (see runDeferredCaptures). */
  async capture(command: CapturePayment, now: Date = new Date()): Promise<Payment> {
    const payment = await this.required(command.bookingId);
    if (payment.awaitingConfirmation) {
      // Charged up front: the provider's confirmation is the capture; the money is already taken.
      const confirmed = payments.confirmUpfrontCharge(payment);
      const paidOut = await this.payouts.withStepTaken(confirmed);
      await this.repository.save(payment, paidOut, [paymentEvents.captured(confirmed)]);
      return paidOut;
    }
    if (payment.status === 'captured') return this.payouts.settle(payment);
    if (payment.status !== 'held' || !payment.paymentIntentId) {
      this.logger.warn({ message: 'capture asked for a payment that is not held', bookingId: payment.bookingId, status: payment.status });
      return payment;
    }
    if (await this.flags.isEnabled('payment.disable_captures')) {
      const deferred = payments.deferCapture(payment, command.amountCents, command.reason, now);
      await this.repository.save(payment, deferred);
      this.logger.warn({ message: 'capture deferred: payment.disable_captures is on', bookingId: payment.bookingId });
      return deferred;
    }
    return this.runCapture(payment, command.amountCents, now);
  }

  /** Runs the captures the kill switch held back, once it is off again. Returns how many ran. */
  async runDeferredCaptures(now: Date = new Date()): Promise<number> {
    if (await this.flags.isEnabled('payment.disable_captures')) return 0;
    const waiting = await this.repository.list({ captureWaiting: true });
    for (const payment of waiting) {
      const deferred = payment.deferredCapture;
      if (payment.status !== 'held' || !deferred) continue;
      await this.isolated(payment, 'deferred capture', () => this.runCapture(payment, deferred.amountCents, now));
    }
    return waiting.length;
  }

  /** Finishes the refunds a crash left between our write and Stripe's answer (not those still being asked). */
  async finishPendingRefunds(now: Date = new Date()): Promise<void> {
    for (const payment of await this.repository.list({ refundPending: true })) {
      if (!payments.refundAbandonedInFlight(payment, now, this.config.PAYMENT_REFUND_RECOVERY_AFTER_MS)) continue;
      await this.isolated(payment, 'refund in flight', () => this.finishRefund(payment, now));
    }
  }

  /** One payment's sweep step: its failure is logged and retried next sweep, never stopping the others'. */
  private async isolated(payment: Payment, step: string, run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (error) {
      this.logger.warn({ message: `${step} failed; the next sweep retries`, bookingId: payment.bookingId, error: (error as Error).message });
    }
  }

  private async runCapture(current: Payment, amountCents: number, now: Date): Promise<Payment> {
    let payment = current;
    if (payment.failure?.stage === 'capture') {
      // Asked again after a failed capture: a new attempt and key (written first), or Stripe would replay the failure.
      const retry = { ...payments.nextAttempt(payment, 'capture'), version: payment.version + 1 };
      await this.repository.save(payment, retry);
      payment = retry;
    }
    const outcome = await this.stripe.capture(payment.paymentIntentId!, amountCents, payments.stripeIdempotencyKey(payment, 'capture'));
    if (!outcome.ok) {
      const failed = payments.recordFailure(payment, 'capture', outcome.code, outcome.message);
      await this.repository.save(payment, failed, [paymentEvents.failed(failed)]);
      return failed;
    }
    return this.saveCapture(payment, payment, outcome.value.amountReceived || amountCents, now);
  }

  /**
   * Records a capture Stripe made of `held` over the stored `previous` (the same payment, or the one
   * before its hold when both are one write): the capture, the provider's payout step it makes due and
   * PaymentCaptured are one write.
   */
  private async saveCapture(previous: Payment, held: Payment, capturedCents: number, now: Date): Promise<Payment> {
    const captured = payments.recordCapture(held, capturedCents, now);
    const paidOut = await this.payouts.withStepTaken(captured);
    await this.repository.save(previous, paidOut, [paymentEvents.captured(captured)]);
    return paidOut;
  }

  async release(command: ReleasePaymentHold, now: Date = new Date()): Promise<Payment> {
    const payment = await this.required(command.bookingId);
    if (payment.status === 'cancelled') return payment;
    if (payment.awaitingConfirmation) {
      // Charged up front and never confirmed (declined, expired, cancelled): everything goes back, once.
      return this.refundOnce(
        payment.bookingId,
        `release:${payment.bookingId}`,
        (p) => ({ amountCents: payments.refundableCents(p), reason: command.reason, initiatedBy: 'system' }),
        now,
      );
    }
    if (payment.status === 'captured' || payment.status === 'partial_refund' || payment.status === 'refunded') {
      this.logger.warn({ message: 'release asked for a captured payment; refunds are separate commands', bookingId: payment.bookingId });
      return payment;
    }
    if (payment.paymentIntentId) await this.stripe.cancel(payment.paymentIntentId, 'requested_by_customer', payments.stripeIdempotencyKey(payment, 'cancel'));
    const cancelled = payments.recordCancelled(payment, command.reason, now);
    const messages = payment.paymentIntentId ? [paymentEvents.holdReleased(cancelled)] : [];
    await this.repository.save(payment, cancelled, messages);
    return cancelled;
  }

  /**
   * booking-svc's refund (its cancellation policy decided the amount). `requestId` (the command's
   * event id) makes a redelivered command a no-op even after a crash between our write and the
   * inbox's; above what remains the refund is refused before Stripe is asked.
   */
  refund(command: RefundPayment, requestId: string, now: Date = new Date()): Promise<Payment> {
    return this.refundOnce(
      command.bookingId,
      requestId,
      () => ({ amountCents: command.amountCents, reason: command.reason, initiatedBy: command.initiatedBy ?? 'system' }),
      now,
    );
  }

  /** An admin's refund: the given amount, or everything that remains. `requestId` comes from the caller's idempotency key. */
  adminRefund(bookingId: string, requestId: string, amountCents: number | undefined, reason: string, now: Date = new Date()): Promise<Payment> {
    return this.refundOnce(bookingId, requestId, (p) => ({ amountCents: amountCents ?? payments.refundableCents(p), reason, initiatedBy: 'admin' }), now);
  }

  private async refundOnce(
    bookingId: string,
    requestId: string,
    decide: (payment: Payment) => { amountCents: number; reason: string; initiatedBy: payments.RefundInitiator },
    now: Date,
  ): Promise<Payment> {
    const payment = await this.repository.find(bookingId);
    if (!payment) throw new PaymentError(PaymentErrorCode.PaymentNotFound, `No payment for booking ${bookingId}`);
    if (payment.refunds.some((r) => r.requestId === requestId)) return payment; // already done
    const { amountCents, reason, initiatedBy } = decide(payment);
    const started = payments.startRefund(payment, amountCents, reason, initiatedBy, requestId, now);
    await this.repository.save(payment, started);
    return this.finishRefund(started, now);
  }

  /**
   * Asks Stripe for the refund in flight (its stored key: a repeat is answered, not refunded twice) and
   * records it. A refund Stripe refuses for good is dropped (kept in `refusedRefunds`, counted, logged)
   * and reported as 422 REFUND_REFUSED — to the admin's request, or as the dead-letter reason of
   * booking-svc's command — instead of being retried forever and blocking later refunds.
   */
  async finishRefund(payment: Payment, now: Date = new Date()): Promise<Payment> {
    const pending = payment.refundInFlight;
    if (!pending) return payment;
    const outcome = await this.stripe.refund(payment.paymentIntentId ?? '', pending.amountCents, pending.stripeKey);
    if (!outcome.ok) {
      await this.repository.save(payment, payments.abandonRefund(payment, outcome.code, outcome.message, now));
      paymentMetrics.refundsRefused().inc({ code: outcome.code });
      this.logger.error({
        message: 'Stripe refused a refund; nothing was refunded',
        bookingId: payment.bookingId,
        code: outcome.code,
        requestId: pending.requestId,
      });
      throw new PaymentError(PaymentErrorCode.RefundRefused, `Stripe refused the refund: ${outcome.message}`, { stripeCode: outcome.code });
    }
    const { refundId } = outcome.value;
    const refunded = payments.refund(payment, pending.amountCents, pending.reason, pending.initiatedBy, now, { requestId: pending.requestId, refundId });
    // The refund and the payout's reversal it makes due are one write.
    const paidOut = await this.payouts.withStepTaken(refunded);
    await this.repository.save(payment, paidOut, [paymentEvents.refunded(refunded)]);
    return paidOut;
  }

  private async required(bookingId: string): Promise<Payment> {
    const payment = await this.repository.find(bookingId);
    if (!payment) throw new Error(`no payment for booking ${bookingId}`); // retried, then dead-lettered for an admin
    return payment;
  }

  /**
   * The card a hold uses (SavedCards.forHold): the one the booking names if it is the patient's, else
   * their default; without any, the configured test card in test mode only. A card that is not the
   * patient's is never sent to Stripe.
   */
  private async cardFor(command: PlacePaymentHold): Promise<{ customerId?: string; paymentMethodId: string } | typeof CARD_NOT_FOUND | typeof NO_CARD> {
    try {
      const card = await this.cards.forHold(command.patientId, command.paymentMethodId);
      if (card) return card;
    } catch (error) {
      if (error instanceof PaymentError && error.code === PaymentErrorCode.CardNotFound) return CARD_NOT_FOUND;
      throw error;
    }
    const testCard = this.config.STRIPE_TEST_PAYMENT_METHOD;
    return testCard && this.config.STRIPE_SECRET_KEY.startsWith('sk_test_') ? { paymentMethodId: testCard } : NO_CARD;
  }
}
