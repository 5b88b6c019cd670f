import { Injectable, Logger } from '@nestjs/common';
import { holdReviewHour, hourOf, hoursAfter } from '../domain/hold-review.js';
import * as payments from '../domain/payment.js';
import type { Payment } from '../domain/payment.js';
import { HoldReviewWatermark } from '../infrastructure/hold-review-watermark.js';
import { paymentMetrics } from '../infrastructure/payment.metrics.js';
import { type HeldPayment, PaymentRepository } from '../infrastructure/payment.repository.js';
import { StripeGateway } from '../infrastructure/stripe-gateway.js';
import { summarizeHolds } from './hold-aging.js';
import { paymentEvents } from './payment-events.js';
import { Payouts } from './payouts.js';

/** Hour buckets one scan reads at most: a longer outage is worked through by the next scans. */
const HOURS_PER_SCAN = 240;
/** Where a new database's first scan starts: a card authorisation lasts seven days at most. */
const FIRST_SCAN_HOURS_BACK = 8 * 24;
/** Holds one bucket read takes at most; a bucket read full stays open for the next scan (what was reviewed has left it). */
const BUCKET_READ_LIMIT = 1_000;
/**
 * How long after an hour ends the watermark may pass it: a write that chose its bucket just before the
 * hour ended (or on a replica whose clock is a little behind) may land after a scan read that bucket.
 */
const LATE_WRITE_MS = 5 * 60_000;

/**
 * Watches every open hold. Within 24 hours of its expiry a hold raises PaymentHoldExpiring once
 * (booking-svc expires a request still waiting, or escalates a confirmed one) and counts in
 * `booking_payment_holds_expiring_soon`; past its expiry it is checked with Stripe and recorded as
 * Stripe has it (released, captured, or still authorised with a later capture_before). Every held
 * payment is filed under the hour of its next such moment (`holdReviewHour`, written with each of its
 * states), and a scan reads only the hours from its watermark through the current one, one equality
 * each: its work follows the holds with something due, not every open hold. Also keeps the
 * active-holds gauges current, from one projected read of every held payment.
 */
@Injectable()
export class HoldMonitor {
  private readonly logger = new Logger(HoldMonitor.name);

  constructor(
    private readonly repository: PaymentRepository,
    private readonly watermark: HoldReviewWatermark,
    private readonly stripe: StripeGateway,
    private readonly payouts: Payouts,
  ) {}

  async scan(now: Date = new Date()): Promise<void> {
    const held = await this.repository.listHeld();
    this.updateGauges(held, now);
    await this.fileUnfiled(held);
    await this.reviewBuckets(now);
  }

  /**
   * Reads the buckets from the hour after the watermark through the current one (at most
   * HOURS_PER_SCAN), then moves the watermark through the last closed hour up to which every bucket was
   * done. A bucket behind the watermark is never read again, and nothing is filed there: a review
   * already due is filed in the hour it is written (holdReviewHour).
   */
  private async reviewBuckets(now: Date): Promise<void> {
    const current = hourOf(now);
    const mark = (await this.watermark.read()) ?? (await this.watermark.start(hoursAfter(current, -FIRST_SCAN_HOURS_BACK - 1)));
    const open = hourOf(new Date(now.getTime() - LATE_WRITE_MS));
    let reviewedThrough = mark;
    let allDone = true;
    for (let hour = hoursAfter(mark, 1), read = 0; hour <= current && read < HOURS_PER_SCAN; hour = hoursAfter(hour, 1), read++) {
      allDone = (await this.reviewBucket(hour, now)) && allDone;
      if (allDone && hour < open) reviewedThrough = hour;
    }
    await this.watermark.advance(mark, reviewedThrough);
  }

  /** Reviews one hour's holds; false when one is left for the next scan (its check failed, or the read was full). */
  private async reviewBucket(hour: string, now: Date): Promise<boolean> {
    const filed = await this.repository.list({ holdReviewHour: hour }, BUCKET_READ_LIMIT);
    let done = filed.length < BUCKET_READ_LIMIT;
    for (const payment of filed) {
      try {
        await this.review(payment, hour, now);
      } catch (error) {
        done = false;
        this.logger.warn({ message: 'hold check failed; the next scan retries', bookingId: payment.bookingId, error: (error as Error).message });
      }
    }
    return done;
  }

  /** Lapsed: checked with Stripe. Warning due: warned. Neither: its moment comes later this hour, and it stays. */
  private async review(payment: Payment, hour: string, now: Date): Promise<void> {
    const hold = payment.status === 'held' ? payment.hold : undefined;
    if (hold && hold.expiresAt.getTime() <= now.getTime()) {
      // Stripe left it held with nothing to record (a lapse it has not recorded yet, a state it should not be in):
      // filed in the current hour, so every scan looks again, as long as it stays so.
      if (!(await this.reconcile(payment, now)) && hour !== hourOf(now)) await this.repository.fileForReview(payment, now);
    } else if (hold && payments.holdExpiringSoon(payment, now) && !hold.expiringNotifiedAt) await this.warn(payment, now);
    // Filed where its state does not put it (the release before changed it and left the field): moved, or taken out.
    else if (holdReviewHour(payment, now) !== hour) await this.repository.fileForReview(payment, now);
  }

  /** Held payments in no bucket (written by the release before the buckets, during an upgrade): filed, so none is missed. */
  private async fileUnfiled(held: HeldPayment[]): Promise<void> {
    for (const { bookingId } of held.filter((payment) => !payment.holdReviewHour)) {
      const payment = await this.repository.find(bookingId);
      if (payment) await this.repository.fileForReview(payment);
    }
  }

  private async warn(payment: Payment, now: Date): Promise<void> {
    const warned = payments.markHoldExpiringNotified(payment, now);
    await this.repository.save(payment, warned, [paymentEvents.holdExpiring(warned)]);
    this.logger.warn({ message: 'payment hold expires within 24 hours', bookingId: payment.bookingId, expiresAt: payment.hold!.expiresAt });
  }

  /** The hold should have lapsed: record what Stripe says happened. False when there was nothing to record. */
  private async reconcile(payment: Payment, now: Date): Promise<boolean> {
    const intent = await this.stripe.paymentIntent(payment.paymentIntentId!);
    let recorded = true;
    switch (intent.status) {
      case 'canceled': {
        const released = payments.recordCancelled(payment, 'expired', now);
        await this.repository.save(payment, released, [paymentEvents.holdReleased(released)]);
        break;
      }
      case 'succeeded': {
        const captured = payments.recordCapture(payment, intent.amountReceived, now);
        await this.repository.save(payment, await this.payouts.withStepTaken(captured), [paymentEvents.captured(captured)]);
        break;
      }
      case 'requires_capture':
        if (intent.captureBefore && intent.captureBefore > now) await this.repository.save(payment, payments.extendHold(payment, intent.captureBefore));
        else recorded = false;
        break;
      default:
        this.logger.error({ message: 'a lapsed hold is in an unexpected state at Stripe', bookingId: payment.bookingId, stripeStatus: intent.status });
        recorded = false;
    }
    paymentMetrics.holdsReconciled().inc({ outcome: intent.status });
    return recorded;
  }

  private updateGauges(held: HeldPayment[], now: Date): void {
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
    const summary = summarizeHolds(held, now);
    paymentMetrics.capturesDeferred().set(summary.capturesDeferred);
    for (const [age, count] of Object.entries(summary.holdsAging)) paymentMetrics.holdsByAge().set({ age }, count);
  }
}
