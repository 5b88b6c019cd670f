import { Injectable, Logger } from '@nestjs/common';
import * as payments from '../domain/payment.js';
import type { Payment } from '../domain/payment.js';
import { paymentMetrics } from '../infrastructure/payment.metrics.js';
import { PaymentRepository } from '../infrastructure/payment.repository.js';
import { StripeGateway } from '../infrastructure/stripe-gateway.js';
import { summarizeHolds } from './hold-aging.js';
import { paymentEvents } from './payment-events.js';
import { Payouts } from './payouts.js';

/**
 * Watches every open hold. Within 24 hours of its expiry a hold raises PaymentHoldExpiring once
 * (booking-svc expires a request still waiting, or escalates a confirmed one) and counts in
 * `booking_payment_holds_expiring_soon`; past its expiry it is checked with Stripe and recorded as
 * Stripe has it (released, captured, or still authorised with a later capture_before). Also keeps the
 * active-holds gauges current.
 */
@Injectable()
export class HoldMonitor {
  private readonly logger = new Logger(HoldMonitor.name);

  constructor(
    private readonly repository: PaymentRepository,
    private readonly stripe: StripeGateway,
    private readonly payouts: Payouts,
  ) {}

  async scan(now: Date = new Date()): Promise<void> {
    const held = await this.repository.list({ status: 'held' }, 10_000);
    this.updateGauges(held, now);
    for (const payment of held) {
      try {
        if (payment.hold && payment.hold.expiresAt.getTime() <= now.getTime()) await this.reconcile(payment, now);
        else if (payments.holdExpiringSoon(payment, now) && !payment.hold?.expiringNotifiedAt) await this.warn(payment, now);
      } catch (error) {
        this.logger.warn({ message: 'hold check failed; next scan retries', bookingId: payment.bookingId, error: (error as Error).message });
      }
    }
  }

  private async warn(payment: Payment, now: Date): Promise<void> {
    const warned = payments.markHoldExpiringNotified(payment, now);
    await this.repository.save(payment, warned, [paymentEvents.holdExpiring(warned)]);
    this.logger.warn({ message: 'payment hold expires within 24 hours', bookingId: payment.bookingId, expiresAt: payment.hold!.expiresAt });
  }

  /** The hold should have lapsed: record what Stripe says happened. */
  private async reconcile(payment: Payment, now: Date): Promise<void> {
    const intent = await this.stripe.paymentIntent(payment.paymentIntentId!);
    switch (intent.status) {
      case 'canceled': {
        const released = payments.recordCancelled(payment, 'expired', now);
        await this.repository.save(payment, released, [paymentEvents.holdReleased(released)]);
        break;
      }
      case 'succeeded': {
        const captured = payments.recordCapture(payment, intent.amountReceived, now);
        await this.repository.save(payment, captured, [paymentEvents.captured(captured)]);
        await this.payouts.settle(captured);
        break;
      }
      case 'requires_capture':
        if (intent.captureBefore && intent.captureBefore > now) await this.repository.save(payment, payments.extendHold(payment, intent.captureBefore));
        break;
      default:
        this.logger.error({ message: 'a lapsed hold is in an unexpected state at Stripe', bookingId: payment.bookingId, stripeStatus: intent.status });
    }
    paymentMetrics.holdsReconciled().inc({ outcome: intent.status });
  }

  private updateGauges(held: Payment[], now: Date): void {
    const active = paymentMetrics.holdsActive();
    const amount = paymentMetrics.holdsActiveAmount();
    const expiring = paymentMetrics.holdsExpiringSoon();
    for (const gauge of [active, amount, expiring]) gauge.reset();
    for (const payment of held) {
      const labels = { currency: payment.currency };
      active.inc(labels);
      amount.inc(labels, payment.amountCents);
      expiring.inc(labels, payments.holdExpiringSoon(payment, now) ? 1 : 0);
    }
    paymentMetrics.capturesDeferred().set(held.filter((p) => p.captureWaiting).length);
    for (const [age, count] of Object.entries(summarizeHolds(held, now).holdsAging)) paymentMetrics.holdsByAge().set({ age }, count);
  }
}
