import { Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { PaymentConfig } from '../../config/payment.config.js';

/** The Stripe API version this code was written and tested against; the SDK sends it on every call. */
export const STRIPE_API_VERSION = '2026-10-28.endive';

/** Stripe's answer, or its refusal: a declined card, or (refunds) a request Stripe will never accept as it stands. */
export type StripeOutcome<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

export interface HoldRequest {
  bookingId: string;
  bookingNumber?: string;
  amountCents: number;
  currency: string;
  customerId?: string;
  paymentMethodId?: string;
  captureMethod: 'automatic' | 'manual';
  idempotencyKey: string;
}

export interface TransferRequest {
  bookingId: string;
  amountCents: number;
  currency: string;
  destination: string;
  transferGroup: string;
  idempotencyKey: string;
}

/** A saved card as the patient's app lists it. */
export interface SavedCard {
  paymentMethodId: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

export interface HoldResult {
  paymentIntentId: string;
  status: string;
  /** With `requires_action` (3-D Secure): what the app's Stripe SDK needs to let the cardholder authenticate. */
  clientSecret?: string;
  /** What was taken at once (automatic capture); 0 for a hold. */
  amountReceived: number;
  captureBefore?: Date;
}

/**
 * payment-svc's one door to Stripe, through the official SDK: pinned API version, keys from config,
 * every call with the caller's idempotency key, network errors and 5xx retried by the SDK with that
 * same key. A card decline is an answer, not an error: it comes back as `{ ok: false, code }`, as does a
 * refund Stripe refuses (`charge_disputed`, `charge_already_refunded`, …).
 */
@Injectable()
export class StripeGateway {
  readonly stripe: Stripe;

  constructor(config: PaymentConfig) {
    const base = config.STRIPE_API_BASE ? new URL(config.STRIPE_API_BASE) : undefined;
    this.stripe = new Stripe(config.STRIPE_SECRET_KEY, {
      apiVersion: STRIPE_API_VERSION as Stripe.LatestApiVersion,
      maxNetworkRetries: 3,
      timeout: 20_000,
      telemetry: false,
      ...(base
        ? {
            host: base.hostname,
            port: Number(base.port || (base.protocol === 'https:' ? 443 : 80)),
            protocol: base.protocol.replace(':', '') as 'http' | 'https',
          }
        : {}),
    });
  }

  placeHold(request: HoldRequest): Promise<StripeOutcome<HoldResult>> {
    return this.declineAware(async () => {
      const intent = await this.stripe.paymentIntents.create(
        {
          amount: request.amountCents,
          currency: request.currency,
          capture_method: request.captureMethod,
          confirm: true,
          expand: ['latest_charge'], // capture_before (when the authorisation lapses) is on the charge
          ...(request.customerId ? { customer: request.customerId } : {}),
          ...(request.paymentMethodId ? { payment_method: request.paymentMethodId } : {}),
          metadata: { bookingId: request.bookingId, ...(request.bookingNumber ? { bookingNumber: request.bookingNumber } : {}) },
          ...(request.bookingNumber ? { transfer_group: request.bookingNumber } : {}),
        },
        { idempotencyKey: request.idempotencyKey },
      );
      const captureBefore =
        intent.latest_charge && typeof intent.latest_charge === 'object' ? intent.latest_charge.payment_method_details?.card?.capture_before : undefined;
      return {
        paymentIntentId: intent.id,
        status: intent.status,
        ...(intent.status === 'requires_action' && intent.client_secret ? { clientSecret: intent.client_secret } : {}),
        amountReceived: intent.amount_received,
        ...(captureBefore ? { captureBefore: new Date(captureBefore * 1000) } : {}),
      };
    });
  }

  capture(paymentIntentId: string, amountCents: number, idempotencyKey: string): Promise<StripeOutcome<{ status: string; amountReceived: number }>> {
    return this.declineAware(async () => {
      const intent = await this.stripe.paymentIntents.capture(paymentIntentId, { amount_to_capture: amountCents }, { idempotencyKey });
      return { status: intent.status, amountReceived: intent.amount_received };
    });
  }

  async cancel(
    paymentIntentId: string,
    reason: 'abandoned' | 'requested_by_customer' | 'duplicate' | 'fraudulent',
    idempotencyKey: string,
  ): Promise<{ status: string }> {
    try {
      const intent = await this.stripe.paymentIntents.cancel(paymentIntentId, { cancellation_reason: reason }, { idempotencyKey });
      return { status: intent.status };
    } catch (error) {
      // Already cancelled (the authorisation lapsed, or a failed capture ended it): released is what we wanted.
      if (!(error instanceof Stripe.errors.StripeInvalidRequestError) || error.code !== 'payment_intent_unexpected_state') throw error;
      const intent = await this.stripe.paymentIntents.retrieve(paymentIntentId);
      if (intent.status !== 'canceled') throw error;
      return { status: intent.status };
    }
  }

  async refund(paymentIntentId: string, amountCents: number, idempotencyKey: string): Promise<StripeOutcome<{ refundId: string; status: string | null }>> {
    try {
      const refund = await this.stripe.refunds.create(
        { payment_intent: paymentIntentId, amount: amountCents, reason: 'requested_by_customer' },
        { idempotencyKey },
      );
      return { ok: true, value: { refundId: refund.id, status: refund.status } };
    } catch (error) {
      // A 4xx about the request itself: asking again with the same key gets the same answer.
      if (error instanceof Stripe.errors.StripeInvalidRequestError) return { ok: false, code: error.code ?? 'invalid_request', message: error.message };
      throw error;
    }
  }

  /** The patient's Stripe Customer, created once: the key makes a repeated call (a crash, a race) answer the same customer. */
  async createCustomer(patientId: string): Promise<string> {
    const customer = await this.stripe.customers.create({ metadata: { patientId } }, { idempotencyKey: `customer:${patientId}` });
    return customer.id;
  }

  /** A SetupIntent the app's Stripe SDK confirms to save a card for later, off-session holds. */
  async createSetupIntent(customerId: string, idempotencyKey: string): Promise<{ setupIntentId: string; clientSecret: string }> {
    const intent = await this.stripe.setupIntents.create({ customer: customerId, usage: 'off_session' }, { idempotencyKey });
    return { setupIntentId: intent.id, clientSecret: intent.client_secret ?? '' };
  }

  async listCards(customerId: string): Promise<SavedCard[]> {
    const list = await this.stripe.paymentMethods.list({ customer: customerId, type: 'card', limit: 100 });
    return list.data.map((method) => ({
      paymentMethodId: method.id,
      brand: method.card?.brand ?? 'unknown',
      last4: method.card?.last4 ?? '',
      expMonth: method.card?.exp_month ?? 0,
      expYear: method.card?.exp_year ?? 0,
    }));
  }

  /** Whose card it is (the customer it is attached to), or undefined when Stripe has no such card. */
  async cardOwner(paymentMethodId: string): Promise<string | null | undefined> {
    try {
      const method = await this.stripe.paymentMethods.retrieve(paymentMethodId);
      return typeof method.customer === 'string' ? method.customer : (method.customer?.id ?? null);
    } catch (error) {
      if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404) return undefined;
      throw error;
    }
  }

  async detachCard(paymentMethodId: string): Promise<void> {
    await this.stripe.paymentMethods.detach(paymentMethodId);
  }

  /** The provider's share to their Connect account, grouped with the booking's charge. */
  async transfer(request: TransferRequest): Promise<{ transferId: string }> {
    const transfer = await this.stripe.transfers.create(
      {
        amount: request.amountCents,
        currency: request.currency,
        destination: request.destination,
        transfer_group: request.transferGroup,
        metadata: { bookingId: request.bookingId },
      },
      { idempotencyKey: request.idempotencyKey },
    );
    return { transferId: transfer.id };
  }

  /** Takes part of a transfer back from the provider's account (after a refund lowered what they are owed). */
  async reverseTransfer(transferId: string, amountCents: number, idempotencyKey: string): Promise<{ reversalId: string }> {
    const reversal = await this.stripe.transfers.createReversal(transferId, { amount: amountCents }, { idempotencyKey });
    return { reversalId: reversal.id };
  }

  /** Stripe's current view of a PaymentIntent, for reconciling holds that should have lapsed. */
  async paymentIntent(paymentIntentId: string): Promise<{ status: string; amountReceived: number; captureBefore?: Date }> {
    const intent = await this.stripe.paymentIntents.retrieve(paymentIntentId, { expand: ['latest_charge'] });
    const captureBefore =
      intent.latest_charge && typeof intent.latest_charge === 'object' ? intent.latest_charge.payment_method_details?.card?.capture_before : undefined;
    return { status: intent.status, amountReceived: intent.amount_received, ...(captureBefore ? { captureBefore: new Date(captureBefore * 1000) } : {}) };
  }

  /** Verifies a webhook's Stripe-Signature (at most 5 minutes old) and parses the event; throws if it does not verify. */
  verifyWebhook(rawBody: string | Buffer, signature: string, secret: string, toleranceSeconds = 300): Stripe.Event {
    return this.stripe.webhooks.constructEvent(rawBody, signature, secret, Math.min(toleranceSeconds, 300));
  }

  private async declineAware<T>(call: () => Promise<T>): Promise<StripeOutcome<T>> {
    try {
      return { ok: true, value: await call() };
    } catch (error) {
      if (error instanceof Stripe.errors.StripeCardError)
        return { ok: false, code: error.decline_code ?? error.code ?? 'card_declined', message: error.message };
      throw error;
    }
  }
}
