import { counter, gauge } from '@bp/platform';
import type { Payment, PaymentStatus } from '../domain/payment.js';

/** The spec's payment metrics (Key Metrics: booking.payment.*), in Prometheus naming. */
export const paymentMetrics = {
  holdCreated: () => counter('booking_payment_hold_created_total', 'Card holds placed', ['currency']),
  holdCaptured: () => counter('booking_payment_hold_captured_total', 'Holds captured', ['currency']),
  holdCancelled: () => counter('booking_payment_hold_cancelled_total', 'Holds released without capture', ['currency']),
  holdsActiveAmount: () =>
    gauge('booking_payment_holds_active_amount_cents', 'Amount held on cards and not yet captured or released, in minor units', ['currency']),
  holdsActive: () => gauge('booking_payment_holds_active', 'Holds not yet captured or released', ['currency']),
  holdsExpiringSoon: () => gauge('booking_payment_holds_expiring_soon', 'Holds that lapse within 24 hours and are not captured or released yet', ['currency']),
  capturesDeferred: () => gauge('booking_payment_captures_deferred', 'Captures waiting because payment.disable_captures is on'),
  holdsReconciled: () => counter('booking_payment_holds_reconciled_total', 'Holds past their expiry checked with Stripe, by what Stripe said', ['outcome']),
  holdsByAge: () => gauge('booking_payment_holds_by_age', "Open holds by age, in the admin dashboard's aging buckets", ['age']),
  refundsRefused: () => counter('booking_payment_refunds_refused_total', 'Refunds Stripe refused for good (nothing refunded), by Stripe error code', ['code']),
  disputesOpened: () => counter('booking_payment_disputes_opened_total', 'Charges the cardholder disputed, by Stripe reason', ['reason']),
  disputesClosed: () => counter('booking_payment_disputes_closed_total', 'Disputes closed, by outcome (won, lost)', ['outcome']),
  disputesOpen: () => gauge('booking_payment_disputes_open', 'Payments with a dispute still open (refunds refused, unsent payouts withheld)'),
  webhookEventsParked: () =>
    counter('booking_payment_webhook_events_parked_total', 'Stripe events given up after repeated processing failures (parked for an admin), by event type', [
      'type',
    ]),
  payoutsDue: () =>
    gauge('booking_payment_payouts_due', 'Captured payments whose provider payout is not settled yet (no Connect account, or a failed transfer)'),
  sweepPasses: () =>
    counter('payment_sweep_passes_total', 'Finished passes of the payment sweep (deferred captures, interrupted refunds, hold monitor, payouts), by outcome', [
      'outcome',
    ]),
};

// Registered when the service loads, so every payment metric is scraped (and alertable) before the first hold.
for (const declare of Object.values(paymentMetrics)) declare();

/**
 * Counts a status change of a payment in the hold metrics. A manual-capture payment that goes from
 * before its hold straight to captured (an instant booking's hold captured in the same write) counts
 * as a hold created and captured.
 */
export function countTransition(previous: Pick<Payment, 'status'>, next: Pick<Payment, 'status' | 'captureMode' | 'currency'>): void {
  const [from, to, currency] = [previous.status, next.status, next.currency];
  if (from === to) return;
  const heldAndCaptured = to === 'captured' && next.captureMode === 'manual' && BEFORE_HOLD.has(from);
  if (to === 'held' || heldAndCaptured) paymentMetrics.holdCreated().inc({ currency });
  if ((from === 'held' && to === 'captured') || heldAndCaptured) paymentMetrics.holdCaptured().inc({ currency });
  if (from === 'held' && to === 'cancelled') paymentMetrics.holdCancelled().inc({ currency });
}

const BEFORE_HOLD: ReadonlySet<PaymentStatus> = new Set(['pending', 'requires_action', 'failed']);
