import { randomUUID } from 'node:crypto';
import type { mongo } from 'mongoose';
import Stripe from 'stripe';
import { localEnv, waitFor } from '@bp/testing';

const signer = new Stripe('sk_test_signer');

/** A Stripe event around `object`, as Stripe posts it to a webhook endpoint. */
export function stripeEvent(type: string, object: object, id = `evt_${randomUUID()}`) {
  return { id, object: 'event', type, created: Math.floor(Date.now() / 1000), data: { object } };
}

/**
 * Posts `event` to payment-svc's webhook endpoint signed with the local webhook secret, as Stripe
 * would; `ageSeconds` backdates the signature and `tamper` changes the body after signing.
 */
export async function sendStripeWebhook(
  paymentSvcUrl: string,
  event: object,
  options: { tamper?: (payload: string) => string; ageSeconds?: number } = {},
): Promise<{ status: number; body: any }> {
  const payload = JSON.stringify(event);
  const secret = localEnv()['STRIPE_WEBHOOK_SECRET'] ?? '';
  const signature = signer.webhooks.generateTestHeaderString({ payload, secret, timestamp: Math.floor(Date.now() / 1000) - (options.ageSeconds ?? 0) });
  const response = await fetch(`${paymentSvcUrl}/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body: options.tamper ? options.tamper(payload) : payload,
  });
  return { status: response.status, body: (await response.json()) as any };
}

/** Waits until payment-svc has processed the webhook event with this id (its outcome recorded, or parked). */
export async function stripeEventProcessed(paymentDb: mongo.Db, eventId: string): Promise<void> {
  await waitFor(
    async () => {
      const stored = await paymentDb.collection('stripe_events').findOne({ _id: eventId as never });
      return Boolean(stored && !stored['pending']);
    },
    15_000,
    () => `webhook event ${eventId} processed`,
  );
}
