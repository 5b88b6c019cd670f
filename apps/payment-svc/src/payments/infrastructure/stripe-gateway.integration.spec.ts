import 'reflect-metadata';
import Stripe from 'stripe';
import { infraEnv } from '@bp/testing';
import { PaymentConfig } from '../../config/payment.config.js';
import { STRIPE_API_VERSION, StripeGateway } from './stripe-gateway.js';

/**
 * The gateway through the real Stripe SDK against stripe-mock, Stripe's own mock server: every
 * request shape is validated by Stripe's OpenAPI spec there (a wrong parameter is a 400 error).
 */
describe('StripeGateway against stripe-mock', () => {
  const config = Object.assign(new PaymentConfig(), {
    STRIPE_SECRET_KEY: 'sk_test_gatewayspec',
    STRIPE_WEBHOOK_SECRET: 'whsec_gatewayspec',
    STRIPE_API_BASE: infraEnv().STRIPE_API_BASE,
  });
  const gateway = new StripeGateway(config);

  it('places a manual-capture hold, captures it, refunds part, transfers the provider’s share and reverses part of it, and reads the intent back', async () => {
    const hold = await gateway.placeHold({
      bookingId: 'b1',
      bookingNumber: 'FH-20300101-ABCDE',
      amountCents: 10_000,
      currency: 'usd',
      customerId: 'cus_1',
      paymentMethodId: 'pm_card_visa',
      captureMethod: 'manual',
      idempotencyKey: 'booking:b1:hold:1',
    });
    expect(hold).toMatchObject({ ok: true, value: { paymentIntentId: expect.stringMatching(/^pi_/) } });
    const id = hold.ok ? hold.value.paymentIntentId : '';
    expect(await gateway.capture(id, 10_000, 'booking:b1:capture:1')).toMatchObject({ ok: true });
    expect(await gateway.refund(id, 5_000, 'booking:b1:refund:1')).toMatchObject({ ok: true, value: { refundId: expect.stringMatching(/^re_/) } });
    const transfer = await gateway.transfer({
      bookingId: 'b1',
      amountCents: 3_850,
      currency: 'usd',
      destination: 'acct_1',
      transferGroup: 'FH-20300101-ABCDE',
      idempotencyKey: 'booking:b1:transfer:1',
    });
    expect(transfer).toMatchObject({ transferId: expect.stringMatching(/^tr_/) });
    expect(await gateway.reverseTransfer(transfer.transferId, 1_000, 'booking:b1:transfer-reversal-1:1')).toMatchObject({
      reversalId: expect.stringMatching(/^trr_/),
    });
    expect(await gateway.paymentIntent(id)).toMatchObject({ status: expect.any(String), amountReceived: expect.any(Number) });
    expect(await gateway.cancel(id, 'requested_by_customer', 'booking:b1:cancel:1')).toMatchObject({ status: expect.any(String) });
  });

  it('creates the patient’s customer and a SetupIntent for saving a card, lists the customer’s cards, reads a card’s owner and detaches it', async () => {
    const customerId = await gateway.createCustomer('patient-1');
    expect(customerId).toMatch(/^cus_/);
    expect(await gateway.createSetupIntent(customerId, 'setup:patient-1:k1')).toEqual({
      setupIntentId: expect.stringMatching(/^seti_/),
      clientSecret: expect.stringMatching(/^seti_.+_secret_/),
    });
    expect(await gateway.listCards(customerId)).toEqual(expect.any(Array));
    expect(await gateway.cardOwner('pm_card_visa')).not.toBeUndefined();
    await expect(gateway.detachCard('pm_card_visa')).resolves.toBeUndefined();
  });

  it('sends the pinned API version and the idempotency key on every call', async () => {
    const seen: Array<{ version?: string; key?: string }> = [];
    gateway.stripe.on('request', (event: Stripe.RequestEvent) => seen.push({ version: event.api_version, key: event.idempotency_key }));
    await gateway.placeHold({
      bookingId: 'b2',
      amountCents: 2_000,
      currency: 'usd',
      paymentMethodId: 'pm_card_visa',
      captureMethod: 'automatic',
      idempotencyKey: 'booking:b2:hold:1',
    });
    expect(seen).toContainEqual({ version: STRIPE_API_VERSION, key: 'booking:b2:hold:1' });
  });

  it('lets Stripe refuse a request that does not match its API, as an error (not a decline)', async () => {
    // A fractional amount is not an integer in Stripe's OpenAPI schema: stripe-mock answers 400.
    await expect(gateway.capture('pi_does_not_matter', 10.5, 'booking:b3:capture:1')).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  });

  it('verifies webhook signatures: valid, tampered, stale', () => {
    const payload = JSON.stringify({ id: 'evt_1', object: 'event', type: 'payment_intent.succeeded', data: { object: { id: 'pi_1' } } });
    const secret = config.STRIPE_WEBHOOK_SECRET;
    const valid = gateway.stripe.webhooks.generateTestHeaderString({ payload, secret });
    expect(gateway.verifyWebhook(payload, valid, secret).id).toBe('evt_1');
    expect(() => gateway.verifyWebhook(payload.replace('pi_1', 'pi_2'), valid, secret)).toThrow(Stripe.errors.StripeSignatureVerificationError);
    const stale = gateway.stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(() => gateway.verifyWebhook(payload, stale, secret)).toThrow(Stripe.errors.StripeSignatureVerificationError);
    // A longer tolerance asked for is still held to five minutes.
    expect(() => gateway.verifyWebhook(payload, stale, secret, 3600)).toThrow(Stripe.errors.StripeSignatureVerificationError);
  });
});
