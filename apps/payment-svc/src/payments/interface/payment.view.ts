import type { PaymentView } from '@bp/contracts';
import type { Payment } from '../domain/payment.js';

/** What callers see of a payment (the public contract PaymentContract): amounts, status, hold, refunds, disputes, fee and payout; never attempts, keys or outbox state. */
export function paymentView(payment: Payment): PaymentView {
  return {
    bookingId: payment.bookingId,
    ...(payment.bookingNumber ? { bookingNumber: payment.bookingNumber } : {}),
    patientId: payment.patientId,
    providerId: payment.providerId,
    status: payment.status,
    currency: payment.currency,
    amountCents: payment.amountCents,
    capturedCents: payment.capturedCents,
    refundedCents: payment.refundedCents,
    platformFee: payment.fee,
    ...(payment.paymentIntentId ? { paymentIntentId: payment.paymentIntentId } : {}),
    ...(payment.hold ? { hold: payment.hold } : {}),
    captureDeferred: payment.captureWaiting === true,
    refunds: payment.refunds.map(({ requestId: _internal, ...refund }) => refund),
    ...(payment.refusedRefunds?.length ? { refusedRefunds: payment.refusedRefunds.map(({ requestId: _internal, ...refused }) => refused) } : {}),
    ...(payment.disputes?.length ? { disputes: payment.disputes } : {}),
    ...(payment.failure ? { failure: payment.failure } : {}),
    ...(payment.payout
      ? {
          payout: {
            status: payment.payout.status,
            transferredCents: payment.payout.transferredCents,
            reversedCents: payment.payout.reversals.reduce((sum, r) => sum + r.amountCents, 0),
            ...(payment.payout.transferId ? { transferId: payment.payout.transferId } : {}),
          },
        }
      : {}),
  };
}
