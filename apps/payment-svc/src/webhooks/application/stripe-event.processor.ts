import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PaymentConfig } from '../../config/payment.config.js';
import { paymentEvents } from '../../payments/application/payment-events.js';
import * as disputes from '../../payments/domain/dispute.js';
import * as payments from '../../payments/domain/payment.js';
import { paymentMetrics } from '../../payments/infrastructure/payment.metrics.js';
import { PaymentRepository } from '../../payments/infrastructure/payment.repository.js';
import { type StoredStripeEvent, StripeEventStore } from '../infrastructure/stripe-event.store.js';

const SWEEP_MS = 2_000;
const MAX_RETRY_DELAY_MS = 5 * 60_000;

/** Which payment an event is about, so its events stay in order: our booking id, else its PaymentIntent. */
function paymentKeyOf(object: StripeObject): string | undefined {
  return object.metadata?.bookingId ?? object.payment_intent ?? (object.id?.startsWith('pi_') ? object.id : undefined);
}
/** Left for a later pass: our own refund is in flight, and its record will account for what this event reports. */
const WAIT = 'wait';

/** The fields of Stripe's event objects (PaymentIntent, Charge, Dispute) this processor reads. */
interface StripeObject {
  id?: string;
  capture_method?: string;
  last_payment_error?: { code?: string; decline_code?: string; message?: string };
  metadata?: { bookingId?: string };
  amount?: number;
  amount_received?: number;
  amount_refunded?: number;
  payment_intent?: string;
  reason?: string;
  status?: string;
  refunds?: { data?: Array<{ id?: string }> };
}

/** Nothing is authorised yet for this intent: the first answer (or the cardholder's authentication) is still to come. */
function awaitingAuthorisation(payment: payments.Payment, object: StripeObject): boolean {
  if (payment.status === 'pending') return true;
  return payment.status === 'requires_action' && (!object.id || object.id === payment.paymentIntentId);
}

/**
 * Applies stored Stripe events to payments, after the webhook has answered. Each event only moves a
 * payment forward from the state it expects, so an event that arrives late or twice changes nothing;
 * what the saga already recorded (from Stripe's API answers) is confirmed, and what it missed (a hold
 * that succeeded after a timeout, a refund made in the dashboard) is caught up.
 */
@Injectable()
export class StripeEventProcessor implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(StripeEventProcessor.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly store: StripeEventStore,
    private readonly payments: PaymentRepository,
    private readonly config: PaymentConfig,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => this.processSoon(), SWEEP_MS).unref();
  }

  /** Runs a pass now unless one is running (the webhook calls this after storing an event). */
  processSoon(): void {
    this.running ??= this.processPending()
      .catch((error: unknown) => this.logger.warn({ message: 'stripe event processing failed; will retry', error: (error as Error).message }))
      .finally(() => (this.running = undefined));
  }

  /**
   * One pass over the waiting events, oldest first, each on its own: one that throws is retried with a
   * growing delay and, after STRIPE_EVENT_MAX_ATTEMPTS, parked for an admin (counted, alerted), while
   * the events behind it go on. Later events of the same payment wait behind a failing one, so a
   * payment's events are still applied in order.
   */
  async processPending(now: Date = new Date()): Promise<void> {
    const blocked = new Set<string>();
    for (const event of await this.store.unprocessed()) {
      const key = paymentKeyOf(event.object as StripeObject) ?? event._id;
      if (blocked.has(key) || (event.retryAt && event.retryAt.getTime() > now.getTime())) {
        blocked.add(key);
        continue;
      }
      try {
        const outcome = await this.apply(event);
        if (outcome !== WAIT) await this.store.markProcessed(event._id, outcome);
      } catch (error) {
        blocked.add(key);
        await this.failed(event, (error as Error).message ?? String(error), now);
      }
    }
  }

  private async failed(event: StoredStripeEvent, message: string, now: Date): Promise<void> {
    const attempts = (event.attempts ?? 0) + 1;
    if (attempts >= this.config.STRIPE_EVENT_MAX_ATTEMPTS) {
      await this.store.park(event._id, attempts, message);
      paymentMetrics.webhookEventsParked().inc({ type: event.type });
      this.logger.error({
        message: 'stripe event parked after repeated failures; redrive it once fixed',
        eventId: event._id,
        type: event.type,
        error: message,
      });
      return;
    }
    const delay = Math.min(this.config.STRIPE_EVENT_RETRY_BASE_MS * 2 ** (attempts - 1), MAX_RETRY_DELAY_MS);
    await this.store.markFailed(event._id, attempts, message, new Date(now.getTime() + delay));
    this.logger.warn({ message: 'stripe event failed; will retry', eventId: event._id, type: event.type, attempts, error: message });
  }

  private async apply(event: StoredStripeEvent): Promise<string> {
    const object = event.object as StripeObject;
    const payment = await this.paymentOf(object);
    if (!payment) return 'ignored: unknown booking';
    const now = new Date();
    switch (event.type) {
      case 'payment_intent.amount_capturable_updated':
        // Authorised: at once, after a timeout, or once the cardholder authenticated (3-D Secure).
        if (!awaitingAuthorisation(payment, object) || !object.id) return 'already recorded';
        return this.save(payment, payments.recordHold(payment, object.id, now), 'holdPlaced');
      case 'payment_intent.succeeded':
        if (payment.captureMode === 'automatic' && awaitingAuthorisation(payment, object) && object.id)
          return this.save(payment, payments.recordUpfrontCharge(payment, object.id, object.amount_received ?? payment.amountCents, now), 'holdPlaced');
        if (payment.status !== 'held') return 'already recorded';
        return this.save(payment, payments.recordCapture(payment, object.amount_received ?? payment.amountCents, now), 'captured');
      case 'payment_intent.payment_failed': {
        if (!awaitingAuthorisation(payment, object)) return 'already recorded';
        const error = object.last_payment_error;
        const code = error?.decline_code ?? error?.code ?? 'payment_failed';
        return this.save(payment, payments.recordFailure(payment, 'hold', code, error?.message ?? 'Stripe reported the payment failed'), 'failed');
      }
      case 'payment_intent.canceled':
        if (!['pending', 'requires_action', 'held'].includes(payment.status)) return 'already recorded';
        return this.save(payment, payments.recordCancelled(payment, 'canceled_at_stripe', now), 'holdReleased');
      case 'charge.refunded': {
        if (payment.refundInFlight) return WAIT;
        const missing = (object.amount_refunded ?? 0) - payment.refundedCents;
        if (missing <= 0) return 'already recorded';
        const refundId = object.refunds?.data?.[0]?.id;
        return this.save(payment, payments.refund(payment, missing, 'refunded_at_stripe', 'system', now, refundId ? { refundId } : {}), 'refunded');
      }
      case 'charge.dispute.created':
        return this.disputeOpened(payment, object, now);
      case 'charge.dispute.closed':
        return this.disputeClosed(payment, object, now);
      default:
        return `ignored: ${event.type}`;
    }
  }

  /** By our metadata when the object carries it (PaymentIntents, their charges), else by its PaymentIntent (disputes). */
  private async paymentOf(object: StripeObject): Promise<payments.Payment | null> {
    const bookingId = object.metadata?.bookingId;
    if (bookingId) return this.payments.find(bookingId);
    return object.payment_intent ? this.payments.findByPaymentIntent(object.payment_intent) : null;
  }

  private disputeReport(object: StripeObject): disputes.DisputeReport {
    return { disputeId: object.id ?? 'unknown', amountCents: object.amount ?? 0, reason: object.reason ?? 'general' };
  }

  /** Refunds stop and an unsent payout waits; an admin has to answer the dispute at Stripe, so it is logged as an error and alerted on. */
  private async disputeOpened(payment: payments.Payment, object: StripeObject, now: Date): Promise<string> {
    const report = this.disputeReport(object);
    const next = disputes.openDispute(payment, report, now);
    if (next === payment) return 'already recorded';
    await this.payments.save(payment, next, [paymentEvents.disputed(next, next.disputes!.at(-1)!)]);
    paymentMetrics.disputesOpened().inc({ reason: report.reason });
    this.logger.error({ message: 'payment disputed; answer it at Stripe', bookingId: payment.bookingId, disputeId: report.disputeId, reason: report.reason });
    return 'applied: disputed';
  }

  /** Stripe's `lost` returned the money to the cardholder; every other closed status (won, warning_closed) lost nothing. */
  private async disputeClosed(payment: payments.Payment, object: StripeObject, now: Date): Promise<string> {
    const report = this.disputeReport(object);
    const outcome = object.status === 'lost' ? 'lost' : 'won';
    const next = disputes.closeDispute(payment, report, outcome, now);
    if (next === payment) return 'already recorded';
    const closed = next.disputes!.find((d) => d.disputeId === report.disputeId)!;
    await this.payments.save(payment, next, [paymentEvents.disputeClosed(next, closed)]);
    paymentMetrics.disputesClosed().inc({ outcome });
    this.logger.warn({ message: 'payment dispute closed', bookingId: payment.bookingId, disputeId: report.disputeId, outcome });
    return `applied: dispute ${outcome}`;
  }

  private async save(
    previous: payments.Payment,
    next: payments.Payment,
    type: 'holdPlaced' | 'captured' | 'failed' | 'holdReleased' | 'refunded',
  ): Promise<string> {
    await this.payments.save(previous, next, [paymentEvents[type](next)]);
    return `applied: ${type}`;
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
