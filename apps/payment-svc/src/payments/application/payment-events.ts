import { type MessageType, type PayloadOf, Topics } from '@bp/contracts';
import { type OutgoingMessage, buildMessage } from '@bp/messaging';
import type { Dispute } from '../domain/payment.js';
import type { Payment } from '../domain/payment.js';

/** The events payment-svc tells booking-svc, built from the payment state they report (one way for commands, webhooks and the monitor). */
function event<M extends MessageType<'payment.events.v1'>>(payment: Payment, type: M, payload: PayloadOf<'payment.events.v1', M>): OutgoingMessage {
  return buildMessage(Topics.paymentEvents, type, payload, { id: payment.bookingId, version: payment.version });
}

export const paymentEvents = {
  holdPlaced: (p: Payment) =>
    event(p, 'PaymentHoldPlaced', {
      bookingId: p.bookingId,
      paymentIntentId: p.paymentIntentId ?? '',
      amountCents: p.amountCents,
      expiresAt: p.hold!.expiresAt.toISOString(),
    }),
  actionRequired: (p: Payment) =>
    event(p, 'PaymentActionRequired', { bookingId: p.bookingId, paymentIntentId: p.paymentIntentId ?? '', clientSecret: p.action?.clientSecret ?? '' }),
  captured: (p: Payment) => event(p, 'PaymentCaptured', { bookingId: p.bookingId, paymentIntentId: p.paymentIntentId ?? '', amountCents: p.capturedCents }),
  failed: (p: Payment) => event(p, 'PaymentFailed', { bookingId: p.bookingId, stage: p.failure?.stage ?? 'hold', reason: p.failure?.code ?? 'payment_failed' }),
  holdReleased: (p: Payment) =>
    event(p, 'PaymentHoldReleased', {
      bookingId: p.bookingId,
      paymentIntentId: p.paymentIntentId ?? '',
      ...(p.hold?.cancelReason ? { reason: p.hold.cancelReason } : {}),
    }),
  holdExpiring: (p: Payment) =>
    event(p, 'PaymentHoldExpiring', { bookingId: p.bookingId, paymentIntentId: p.paymentIntentId ?? '', expiresAt: p.hold!.expiresAt.toISOString() }),
  disputed: (p: Payment, d: Dispute) =>
    event(p, 'PaymentDisputed', { bookingId: p.bookingId, disputeId: d.disputeId, amountCents: d.amountCents, reason: d.reason }),
  disputeClosed: (p: Payment, d: Dispute) =>
    event(p, 'PaymentDisputeClosed', {
      bookingId: p.bookingId,
      disputeId: d.disputeId,
      amountCents: d.amountCents,
      outcome: d.status === 'lost' ? 'lost' : 'won',
    }),
  /** The last refund recorded on the payment. */
  refunded: (p: Payment) => {
    const last = p.refunds.at(-1)!;
    return event(p, 'PaymentRefunded', {
      bookingId: p.bookingId,
      refundId: last.refundId ?? 'unknown',
      amountCents: last.amountCents,
      totalRefundedCents: p.refundedCents,
      paymentStatus: p.status === 'refunded' ? 'refunded' : 'partial_refund',
      initiatedBy: last.initiatedBy,
      reason: last.reason,
    });
  },
};
