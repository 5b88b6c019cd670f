import { Schema } from 'mongoose';
import { type OutboxFields, withOutboxFields } from '@bp/outbox';
import type { Payment } from '../domain/payment.js';

export const PAYMENT_MODEL = 'Payment';

/**
 * One document per booking (`_id` = booking id): the payment's state, its attempts and its outbox; while
 * it holds a card, the hour the hold monitor reviews it in (`holdReviewHour`, see domain/hold-review.ts).
 */
export type PaymentDocument = Omit<Payment, 'bookingId'> & OutboxFields & { _id: string; holdReviewHour?: string };

export const PaymentSchema = withOutboxFields(
  new Schema<PaymentDocument>(
    {
      _id: { type: String, required: true },
      bookingNumber: { type: String },
      patientId: { type: String, required: true },
      providerId: { type: String, required: true },
      currency: { type: String, required: true },
      captureMode: { type: String, required: true, enum: ['automatic', 'manual'] },
      status: { type: String, required: true },
      amountCents: { type: Number, required: true },
      capturedCents: { type: Number, required: true },
      refundedCents: { type: Number, required: true },
      fee: { type: Schema.Types.Mixed, required: true },
      paymentIntentId: { type: String },
      hold: { type: Schema.Types.Mixed },
      refunds: { type: Schema.Types.Mixed, default: [] },
      refusedRefunds: { type: Schema.Types.Mixed },
      failure: { type: Schema.Types.Mixed },
      action: { type: Schema.Types.Mixed },
      attempts: { type: Schema.Types.Mixed, default: {} },
      deferredCapture: { type: Schema.Types.Mixed },
      captureWaiting: { type: Boolean },
      refundInFlight: { type: Schema.Types.Mixed },
      refundPending: { type: Boolean },
      payout: { type: Schema.Types.Mixed },
      payoutDue: { type: Boolean },
      awaitingConfirmation: { type: Boolean },
      disputes: { type: Schema.Types.Mixed },
      disputeOpen: { type: Boolean },
      holdReviewHour: { type: String },
      version: { type: Number, required: true },
    },
    { collection: 'payments', versionKey: false, minimize: false, timestamps: true },
  ),
);

PaymentSchema.index({ paymentIntentId: 1 }, { sparse: true });
PaymentSchema.index({ status: 1, 'hold.expiresAt': 1 });
PaymentSchema.index({ captureWaiting: 1 }, { sparse: true });
PaymentSchema.index({ refundPending: 1 }, { sparse: true });
PaymentSchema.index({ payoutDue: 1, providerId: 1 }, { sparse: true });
PaymentSchema.index({ disputeOpen: 1 }, { sparse: true });
PaymentSchema.index({ holdReviewHour: 1 }, { sparse: true });
