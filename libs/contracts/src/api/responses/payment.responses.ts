import { type Static, Type } from '@sinclair/typebox';
import { DateTime, Integer, OneOf } from './json-schema.js';

const Optional = Type.Optional;
const INITIATORS = ['patient', 'provider', 'admin', 'system'] as const;

/** What callers see of a payment (payment-svc's paymentView): amounts, status, hold, refunds, disputes, fee and payout. */
export const PaymentContract = Type.Object({
  bookingId: Type.String(),
  bookingNumber: Optional(Type.String()),
  patientId: Type.String(),
  providerId: Type.String(),
  status: OneOf(['pending', 'requires_action', 'held', 'captured', 'refunded', 'partial_refund', 'failed', 'cancelled']),
  currency: Type.String(),
  amountCents: Integer(),
  capturedCents: Integer(),
  refundedCents: Integer(),
  platformFee: Type.Object({ percentage: Type.Number(), flatFeeCents: Integer(), maxFeeCents: Integer(), calculatedFeeCents: Integer() }),
  paymentIntentId: Optional(Type.String()),
  hold: Optional(
    Type.Object({
      createdAt: DateTime(),
      expiresAt: DateTime(),
      expiringNotifiedAt: Optional(DateTime()),
      capturedAt: Optional(DateTime()),
      cancelledAt: Optional(DateTime()),
      cancelReason: Optional(Type.String()),
    }),
  ),
  captureDeferred: Type.Boolean({ description: 'A capture waits for the payment.disable_captures kill switch to be lifted' }),
  refunds: Type.Array(
    Type.Object({ refundId: Optional(Type.String()), amountCents: Integer(), reason: Type.String(), initiatedBy: OneOf(INITIATORS), createdAt: DateTime() }),
  ),
  refusedRefunds: Optional(
    Type.Array(
      Type.Object({
        amountCents: Integer(),
        reason: Type.String(),
        initiatedBy: OneOf(INITIATORS),
        code: Type.String(),
        message: Type.String(),
        refusedAt: DateTime(),
      }),
      { description: 'Refunds Stripe refused (nothing was refunded): 422 REFUND_REFUSED when asked' },
    ),
  ),
  disputes: Optional(
    Type.Array(
      Type.Object({
        disputeId: Type.String(),
        amountCents: Integer(),
        reason: Type.String(),
        status: OneOf(['open', 'won', 'lost']),
        openedAt: DateTime(),
        closedAt: Optional(DateTime()),
      }),
      { description: 'Cardholder disputes; while one is open refunds are refused (409 PAYMENT_DISPUTED) and an unsent payout is withheld' },
    ),
  ),
  failure: Optional(Type.Object({ stage: OneOf(['hold', 'capture']), code: Type.String(), message: Type.String() })),
  payout: Optional(
    Type.Object({
      status: OneOf(['due', 'awaiting_account', 'withheld_dispute', 'sent', 'none_owed']),
      transferredCents: Integer(),
      reversedCents: Integer(),
      transferId: Optional(Type.String()),
    }),
  ),
});

/** A provider's Stripe Connect account; `payoutsSent` after a PUT (waiting payouts sent to it). */
export const PayoutAccountContract = Type.Object({
  providerId: Type.String(),
  stripeAccountId: Type.String(),
  updatedAt: Optional(DateTime()),
  payoutsSent: Optional(Integer()),
});

export const CardSetupContract = Type.Object({
  setupIntentId: Type.String(),
  clientSecret: Type.String({ description: 'For the app’s Stripe SDK (confirmSetup); the card is saved to the patient when it succeeds' }),
  customerId: Type.String(),
});

export const SavedCardsContract = Type.Array(
  Type.Object({
    paymentMethodId: Type.String(),
    brand: Type.String(),
    last4: Type.String(),
    expMonth: Integer(),
    expYear: Integer(),
    isDefault: Type.Boolean(),
  }),
);

export const ParkedStripeEventsContract = Type.Array(
  Type.Object({
    id: Type.String(),
    type: Type.String(),
    created: Optional(DateTime()),
    receivedAt: Optional(DateTime()),
    attempts: Optional(Integer()),
    lastError: Optional(Type.String()),
  }),
);

export const StripeEventRedriveContract = Type.Object({ id: Type.String(), redriven: Type.Boolean() });

export type PaymentView = Static<typeof PaymentContract>;
export type PayoutAccountView = Static<typeof PayoutAccountContract>;
export type CardSetupView = Static<typeof CardSetupContract>;
export type SavedCardsView = Static<typeof SavedCardsContract>;
export type ParkedStripeEventsView = Static<typeof ParkedStripeEventsContract>;
