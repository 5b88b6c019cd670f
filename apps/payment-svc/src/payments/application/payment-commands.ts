import { Injectable, Logger } from '@nestjs/common';
import type { CapturePayment, MessageType, PayloadOf, PlacePaymentHold, RefundPayment, ReleasePaymentHold } from '@bp/contracts';
import { Topics } from '@bp/contracts';
import { type OutgoingMessage, buildMessage } from '@bp/messaging';
import { DEFAULT_FEE_POLICY } from '@bp/pricing';
import { PaymentConfig } from '../../config/payment.config.js';
import * as payments from '../domain/payment.js';
import type { Payment } from '../domain/payment.js';
import { PaymentRepository } from '../infrastructure/payment.repository.js';
import { StripeGateway } from '../infrastructure/stripe-gateway.js';

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
  ) {}

  async placeHold(command: PlacePaymentHold, now: Date = new Date()): Promise<Payment> {
    let payment = await this.repository.createOrGet(
      payments.newPayment({
        bookingId: command.bookingId,
        patientId: command.patientId,
        providerId: command.providerId,
        amountCents: command.amountCents,
        currency: command.currency.toLowerCase(),
        captureMode: 'manual',
        feePolicy: DEFAULT_FEE_POLICY,
      }),
    );
    if (payment.status !== 'pending' && payment.status !== 'failed') return payment; // already held or beyond
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
      ...(command.customerId ? { customerId: command.customerId } : {}),
      ...this.paymentMethod(command),
      captureMethod: 'manual',
      idempotencyKey: payments.stripeIdempotencyKey(payment, 'hold'),
    });
    if (!outcome.ok) {
      const failed = payments.recordFailure(payment, 'hold', outcome.code, outcome.message);
      await this.repository.save(payment, failed, [this.event(failed, 'PaymentFailed', { bookingId: failed.bookingId, stage: 'hold', reason: outcome.code })]);
      return failed;
    }
    const held = payments.recordHold(payment, outcome.value.paymentIntentId, now, outcome.value.captureBefore);
    await this.repository.save(payment, held, [
      this.event(held, 'PaymentHoldPlaced', {
        bookingId: held.bookingId,
        paymentIntentId: outcome.value.paymentIntentId,
        amountCents: held.amountCents,
        expiresAt: held.hold!.expiresAt.toISOString(),
      }),
    ]);
    return held;
  }

  async capture(command: CapturePayment, now: Date = new Date()): Promise<Payment> {
    const payment = await this.required(command.bookingId);
    if (payment.status === 'captured') return payment;
    if (payment.status !== 'held' || !payment.paymentIntentId) {
      this.logger.warn({ message: 'capture asked for a payment that is not held', bookingId: payment.bookingId, status: payment.status });
      return payment;
    }
    const outcome = await this.stripe.capture(payment.paymentIntentId, command.amountCents, payments.stripeIdempotencyKey(payment, 'capture'));
    if (!outcome.ok) {
      const failed = payments.recordFailure(payment, 'capture', outcome.code, outcome.message);
      await this.repository.save(payment, failed, [
        this.event(failed, 'PaymentFailed', { bookingId: failed.bookingId, stage: 'capture', reason: outcome.code }),
      ]);
      return failed;
    }
    const captured = payments.recordCapture(payment, outcome.value.amountReceived || command.amountCents, now);
    await this.repository.save(payment, captured, [
      this.event(captured, 'PaymentCaptured', { bookingId: captured.bookingId, paymentIntentId: payment.paymentIntentId, amountCents: captured.capturedCents }),
    ]);
    return captured;
  }

  async release(command: ReleasePaymentHold, now: Date = new Date()): Promise<Payment> {
    const payment = await this.required(command.bookingId);
    if (payment.status === 'cancelled') return payment;
    if (payment.status === 'captured' || payment.status === 'partial_refund' || payment.status === 'refunded') {
      this.logger.warn({ message: 'release asked for a captured payment; refunds are separate commands', bookingId: payment.bookingId });
      return payment;
    }
    if (payment.paymentIntentId) await this.stripe.cancel(payment.paymentIntentId, 'requested_by_customer', payments.stripeIdempotencyKey(payment, 'cancel'));
    const cancelled = payments.recordCancelled(payment, command.reason, now);
    const messages = payment.paymentIntentId
      ? [this.event(cancelled, 'PaymentHoldReleased', { bookingId: cancelled.bookingId, paymentIntentId: payment.paymentIntentId })]
      : [];
    await this.repository.save(payment, cancelled, messages);
    return cancelled;
  }

  async refund(command: RefundPayment, now: Date = new Date()): Promise<Payment> {
    const payment = await this.required(command.bookingId);
    // Checked before Stripe is asked: a refund above what remains is refused, never attempted.
    payments.refund(payment, command.amountCents, command.reason, 'system', now);
    const key = payments.stripeIdempotencyKey(payment, `refund-${payment.refunds.length + 1}`);
    const { refundId } = await this.stripe.refund(payment.paymentIntentId ?? '', command.amountCents, key);
    const refunded = payments.refund(payment, command.amountCents, command.reason, 'system', now, refundId);
    await this.repository.save(payment, refunded, [
      this.event(refunded, 'PaymentRefunded', {
        bookingId: refunded.bookingId,
        refundId,
        amountCents: command.amountCents,
        totalRefundedCents: refunded.refundedCents,
      }),
    ]);
    return refunded;
  }

  private async required(bookingId: string): Promise<Payment> {
    const payment = await this.repository.find(bookingId);
    if (!payment) throw new Error(`no payment for booking ${bookingId}`); // retried, then dead-lettered for an admin
    return payment;
  }

  private paymentMethod(command: PlacePaymentHold): { paymentMethodId?: string } {
    if (command.paymentMethodId) return { paymentMethodId: command.paymentMethodId };
    const testCard = this.config.STRIPE_TEST_PAYMENT_METHOD;
    return testCard && this.config.STRIPE_SECRET_KEY.startsWith('sk_test_') ? { paymentMethodId: testCard } : {};
  }

  private event<M extends MessageType<'payment.events.v1'>>(payment: Payment, type: M, payload: PayloadOf<'payment.events.v1', M>): OutgoingMessage {
    return buildMessage(Topics.paymentEvents, type, payload, { id: payment.bookingId, version: payment.version });
  }
}
