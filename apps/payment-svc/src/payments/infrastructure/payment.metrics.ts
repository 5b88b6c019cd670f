import { counter, gauge } from '@bp/platform';
import type { PaymentStatus } from '../domain/payment.js';

/** The spec's payment metrics (Key Metrics: booking.payment.*), in Prometheus naming. */
export const paymentMetrics = {
  holdCreated: () => counter('booking_payment_hold_created_total', 'Card holds placed', ['currency']),
  holdCaptured: () => counter('booking_payment_hold_captured_total', 'Holds captured', ['currency']),
  holdCancelled: () => counter('booking_payment_hold_cancelled_total', 'Holds released without capture', ['currency']),
  holdsActiveAmount: () =>
    gauge('booking_payment_holds_active_amount_cents', 'Amount held on cards and not yet captured or released, in minor units', ['currency']),
  holdsActive: () => gauge('booking_payment_holds_active', 'Holds not yet captured or released', ['currency']),
};

/** Counts a status change of a payment in the hold metrics. */
export function countTransition(from: PaymentStatus, to: PaymentStatus, currency: string): void {
  if (from === to) return;
  if (to === 'held') paymentMetrics.holdCreated().inc({ currency });
  if (from === 'held' && to === 'captured') paymentMetrics.holdCaptured().inc({ currency });
  if (from === 'held' && to === 'cancelled') paymentMetrics.holdCancelled().inc({ currency });
}
