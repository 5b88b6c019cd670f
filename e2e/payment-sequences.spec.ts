import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { type MessageType, type PayloadOf, Topics } from '@bp/contracts';
import { type TopicProbe, probeTopic, publish, StripeFake, testKafka, waitFor } from '@bp/testing';
import { internalHeaders } from './support/internal-api.js';
import { sendStripeWebhook, stripeEvent } from './support/stripe-webhooks.js';
import { type TestPlatform, startPlatform } from './support/test-platform.js';
import { sendAndAwaitConsumed } from './support/consumed.js';

/**
 * Sequences stripe-mock cannot show, against a stateful Stripe fake the real SDK talks to: a crash
 * between Stripe's answer and the write, a decline and the patient's retry, hold → capture → refund,
 * and hold → expiry.
 */
describe('payment sequences on a stateful Stripe', () => {
  const fake = new StripeFake();
  let stripeBase: URL;
  let platform: TestPlatform;
  let events: TopicProbe;
  const kafka = testKafka();
  const producer = kafka.producer();

  beforeAll(async () => {
    stripeBase = new URL(await fake.start());
    platform = await startPlatform(['payment-svc'], {
      portOffset: 140,
      env: {
        'payment-svc': {
          STRIPE_API_BASE: stripeBase.origin,
          PAYMENT_SWEEP_INTERVAL_MS: '300',
          PAYMENT_RECONCILE_INTERVAL_MS: '300',
          STRIPE_EVENT_MAX_ATTEMPTS: '3',
          STRIPE_EVENT_RETRY_BASE_MS: '50',
        },
      },
    });
    events = await probeTopic(Topics.paymentEvents, kafka);
    await producer.connect();
  }, 120_000);

  afterAll(async () => {
    await producer.disconnect();
    await events?.stop();
    await platform?.stop();
    await fake.stop();
  }, 60_000);

  async function command<M extends MessageType<'payment.commands.v1'>>(type: M, payload: PayloadOf<'payment.commands.v1', M>) {
    await publish(producer, Topics.paymentCommands, type, payload, (payload as { bookingId: string }).bookingId);
  }
  const eventsFor = (bookingId: string, type: string) =>
    events.records.map((r) => JSON.parse(r.value ?? '{}')).filter((e) => e.type === type && e.payload?.bookingId === bookingId);
  const eventFor = (bookingId: string, type: string) =>
    waitFor(
      () => eventsFor(bookingId, type)[0],
      20_000,
      () => `${type} for ${bookingId}`,
    );
  /** With no card named, payment-svc pays with the configured test card (STRIPE_TEST_PAYMENT_METHOD, pm_card_visa). */
  const hold = (bookingId: string) =>
    command('PlacePaymentHold', {
      bookingId,
      patientId: 'u1',
      providerId: 'p1',
      amountCents: 10_000,
      currency: 'usd',
      platformFeeCents: 1150,
      bookingType: 'request',
    });

  it('holds exactly once when the process died after Stripe answered and before it wrote', async () => {
    const bookingId = `b-${randomUUID()}`;
    // The crashed process's call: Stripe placed the hold, the answer was lost with the process.
    const crashed = new Stripe('sk_test_crashed', { host: stripeBase.hostname, port: Number(stripeBase.port), protocol: 'http' });
    const lost = await crashed.paymentIntents.create(
      { amount: 10_000, currency: 'usd', capture_method: 'manual', confirm: true, payment_method: 'pm_card_visa', metadata: { bookingId } },
      { idempotencyKey: `booking:${bookingId}:hold:1` },
    );
    await hold(bookingId); // redelivered: the handler runs again
    expect((await eventFor(bookingId, 'PaymentHoldPlaced')).payload.paymentIntentId).toBe(lost.id);
    expect(fake.intentsFor(bookingId)).toHaveLength(1);
  }, 40_000);

  it('answers a decline with PaymentFailed and the decline code, and holds on the patient’s retry with a new attempt', async () => {
    const bookingId = `b-${randomUUID()}`;
    fake.declineNext('POST', '/v1/payment_intents');
    await hold(bookingId);
    expect((await eventFor(bookingId, 'PaymentFailed')).payload).toMatchObject({ stage: 'hold', reason: 'insufficient_funds' });
    await hold(bookingId);
    await eventFor(bookingId, 'PaymentHoldPlaced');
    expect(fake.intentsFor(bookingId).map((i) => i.status)).toEqual(['requires_capture']);
    expect(fake.requests.filter((r) => r.idempotencyKey?.startsWith(`booking:${bookingId}:hold:`)).map((r) => r.idempotencyKey)).toEqual([
      `booking:${bookingId}:hold:1`,
      `booking:${bookingId}:hold:2`,
    ]);
  }, 40_000);

  it('captures once however often it is asked, then refunds part of it', async () => {
    const bookingId = `b-${randomUUID()}`;
    await hold(bookingId);
    await eventFor(bookingId, 'PaymentHoldPlaced');
    await command('CapturePayment', { bookingId, amountCents: 10_000, reason: 'provider_confirmed' });
    await command('CapturePayment', { bookingId, amountCents: 10_000, reason: 'provider_confirmed' });
    await eventFor(bookingId, 'PaymentCaptured');
    await command('RefundPayment', { bookingId, amountCents: 2_500, reason: 'partial' });
    await eventFor(bookingId, 'PaymentRefunded');
    const [intent] = fake.intentsFor(bookingId);
    expect(intent).toMatchObject({ status: 'succeeded', amount_received: 10_000 });
    expect(fake.requests.filter((r) => r.path === `/v1/payment_intents/${intent?.id}/capture`)).toHaveLength(1);
    expect(fake.refunds.filter((r) => r.payment_intent === intent?.id).map((r) => r.amount)).toEqual([2_500]);
    expect(eventsFor(bookingId, 'PaymentCaptured')).toHaveLength(1);
  }, 40_000);

  it('charges a request booking at once when payment holds are off for its provider: the confirmation pays out, a decline refunds it all', async () => {
    const providerId = `p-upfront-${randomUUID()}`;
    const name = 'booking.payment_holds_enabled';
    await publish(producer, Topics.featureFlags, 'FeatureFlagChanged', { name, enabled: true, providerOverrides: { [providerId]: false } }, name);
    await waitFor(
      async () => {
        const answer = await fetch(`${platform.url('payment-svc')}/internal/feature-flags`, {
          headers: await internalHeaders(platform.url('payment-svc'), 'GET', '/internal/feature-flags', undefined),
        });
        const body = (await answer.json()) as { data: { settings: Record<string, { providerOverrides?: Record<string, boolean> }> } };
        return body.data.settings[name]?.providerOverrides?.[providerId] === false;
      },
      10_000,
      () => 'payment-svc to see the override',
    );
    const charge = (bookingId: string) =>
      command('PlacePaymentHold', {
        bookingId,
        patientId: 'u1',
        providerId,
        amountCents: 10_000,
        currency: 'usd',
        platformFeeCents: 1150,
        bookingType: 'request',
      });

    const confirmed = `b-${randomUUID()}`;
    await charge(confirmed);
    await eventFor(confirmed, 'PaymentHoldPlaced'); // booking-svc waits for the provider as with a hold
    const [intent] = fake.intentsFor(confirmed);
    expect(intent).toMatchObject({ capture_method: 'automatic', status: 'succeeded', amount_received: 10_000 });
    expect(eventsFor(confirmed, 'PaymentCaptured')).toHaveLength(0); // taken, but not the provider's until they confirm
    await command('CapturePayment', { bookingId: confirmed, amountCents: 10_000, reason: 'provider_confirmed' });
    expect(await eventFor(confirmed, 'PaymentCaptured')).toMatchObject({ payload: { amountCents: 10_000 } });
    expect(fake.requests.filter((r) => r.path === `/v1/payment_intents/${intent?.id}/capture`)).toHaveLength(0);

    const declined = `b-${randomUUID()}`;
    await charge(declined);
    await eventFor(declined, 'PaymentHoldPlaced');
    await sendAndAwaitConsumed(
      platform.url('payment-svc'),
      { topic: Topics.paymentCommands, type: 'ReleasePaymentHold' },
      async () => {
        await command('ReleasePaymentHold', { bookingId: declined, reason: 'provider_declined' });
        await command('ReleasePaymentHold', { bookingId: declined, reason: 'provider_declined' }); // redelivered
      },
      2,
    );
    expect(await eventFor(declined, 'PaymentRefunded')).toMatchObject({ payload: { amountCents: 10_000 } });
    const [declinedIntent] = fake.intentsFor(declined);
    expect(fake.refunds.filter((r) => r.payment_intent === declinedIntent?.id).map((r) => r.amount)).toEqual([10_000]);
    expect(eventsFor(declined, 'PaymentCaptured')).toHaveLength(0);
  }, 60_000);

  it('warns before a hold lapses, and records a lapsed hold as Stripe has it: released, never captured', async () => {
    const bookingId = `b-${randomUUID()}`;
    fake.holdLifetimeMs = 2_000;
    try {
      await hold(bookingId);
      await eventFor(bookingId, 'PaymentHoldPlaced');
    } finally {
      fake.holdLifetimeMs = 7 * 86_400_000;
    }
    const expiring = await eventFor(bookingId, 'PaymentHoldExpiring');
    expect(new Date(expiring.payload.expiresAt).getTime()).toBeLessThanOrEqual(Date.now() + 2_000);
    const released = await eventFor(bookingId, 'PaymentHoldReleased');
    expect(released.payload).toMatchObject({ reason: 'expired' });
    const [intent] = fake.intentsFor(bookingId);
    expect(intent).toMatchObject({ status: 'canceled', cancellation_reason: 'automatic' });
    expect(fake.requests.filter((r) => r.path.startsWith(`/v1/payment_intents/${intent?.id}/`))).toHaveLength(0); // Stripe let it go, not us
    expect(eventsFor(bookingId, 'PaymentHoldExpiring')).toHaveLength(1);
    const metrics = await (await fetch(`${platform.url('payment-svc')}/metrics`)).text();
    expect(metrics).toMatch(/^booking_payment_holds_reconciled_total\{[^}]*outcome="canceled"[^}]*\} [1-9]/m);
  }, 40_000);

  it('refunds exactly once when the process died after Stripe refunded and before it recorded the refund', async () => {
    const bookingId = `b-${randomUUID()}`;
    await hold(bookingId);
    await eventFor(bookingId, 'PaymentHoldPlaced');
    await command('CapturePayment', { bookingId, amountCents: 10_000, reason: 'provider_confirmed' });
    await eventFor(bookingId, 'PaymentCaptured');
    const [intent] = fake.intentsFor(bookingId);
    // The crashed process had written its refund (with its Stripe key) and Stripe had refunded; the answer was lost.
    const stripeKey = `booking:${bookingId}:refund-1:1`;
    const payments = platform.mongo.db(platform.database('payment-svc')).collection('payments');
    await waitFor(
      async () => (await payments.findOne({ _id: bookingId as never }))?.['status'] === 'captured',
      10_000,
      () => 'capture stored',
    );
    await payments.updateOne(
      { _id: bookingId as never },
      {
        $set: {
          refundInFlight: { requestId: 'crashed-request', amountCents: 3_000, reason: 'late_cancellation', initiatedBy: 'patient', stripeKey },
          refundPending: true,
        },
        $inc: { version: 1 },
      },
    );
    const crashed = new Stripe('sk_test_crashed', { host: stripeBase.hostname, port: Number(stripeBase.port), protocol: 'http' });
    await crashed.refunds.create({ payment_intent: intent!.id, amount: 3_000 }, { idempotencyKey: stripeKey });

    // The sweep finishes it with the same key: Stripe answers with the refund it already made.
    expect((await eventFor(bookingId, 'PaymentRefunded')).payload).toMatchObject({ amountCents: 3_000, totalRefundedCents: 3_000, initiatedBy: 'patient' });
    expect(fake.refunds.filter((r) => r.payment_intent === intent?.id)).toHaveLength(1);
    const stored = await payments.findOne({ _id: bookingId as never });
    expect(stored).toMatchObject({ status: 'partial_refund', refundedCents: 3_000, refunds: [expect.objectContaining({ requestId: 'crashed-request' })] });
    expect(stored).not.toHaveProperty('refundPending');
  }, 40_000);

  it('retries Stripe 500s with the same key and backoff, and holds once', async () => {
    const bookingId = `b-${randomUUID()}`;
    fake.failNext(2, 'POST', '/v1/payment_intents');
    await hold(bookingId);
    await eventFor(bookingId, 'PaymentHoldPlaced');
    const attempts = fake.requests.filter((r) => r.idempotencyKey === `booking:${bookingId}:hold:1`);
    expect(attempts).toHaveLength(3); // two 500s, then the call that went through, all with the same key
    expect(fake.intentsFor(bookingId)).toHaveLength(1);
  }, 40_000);

  it('retries a declined capture as a new attempt with a new key, and captures then', async () => {
    const bookingId = `b-${randomUUID()}`;
    await hold(bookingId);
    const placed = await eventFor(bookingId, 'PaymentHoldPlaced');
    fake.declineNext('POST', `/v1/payment_intents/${placed.payload.paymentIntentId}/capture`);
    await command('CapturePayment', { bookingId, amountCents: 10_000, reason: 'provider_confirmed' });
    expect((await eventFor(bookingId, 'PaymentFailed')).payload).toMatchObject({ stage: 'capture', reason: 'insufficient_funds' });
    await command('CapturePayment', { bookingId, amountCents: 10_000, reason: 'admin_retry' });
    expect((await eventFor(bookingId, 'PaymentCaptured')).payload).toMatchObject({ amountCents: 10_000 });
    expect(
      fake.requests.filter((r) => r.path.endsWith('/capture') && r.idempotencyKey?.startsWith(`booking:${bookingId}:`)).map((r) => r.idempotencyKey),
    ).toEqual([`booking:${bookingId}:capture:1`, `booking:${bookingId}:capture:2`]);
  }, 40_000);

  it('applies each Stripe event on its own: one that keeps failing is parked and counted while the others go on, and can be redriven', async () => {
    const admin = (method: string, path: string) => internalHeaders(platform.url('payment-svc'), method, path, { type: 'admin', id: 'admin-ops' });
    const [poisoned, other] = [`b-${randomUUID()}`, `b-${randomUUID()}`];
    for (const bookingId of [poisoned, other]) await hold(bookingId);
    const [held, otherHeld] = await Promise.all([eventFor(poisoned, 'PaymentHoldPlaced'), eventFor(other, 'PaymentHoldPlaced')]);
    // A refund of a payment that was never captured cannot be applied, however often it is tried.
    const poison = stripeEvent('charge.refunded', { id: 'ch_poison', object: 'charge', amount_refunded: 10_000, metadata: { bookingId: poisoned } });
    const cancelledLater = stripeEvent('payment_intent.canceled', {
      id: held.payload.paymentIntentId,
      object: 'payment_intent',
      metadata: { bookingId: poisoned },
    });
    const cancelledOther = stripeEvent('payment_intent.canceled', {
      id: otherHeld.payload.paymentIntentId,
      object: 'payment_intent',
      metadata: { bookingId: other },
    });
    for (const event of [poison, cancelledLater, cancelledOther]) expect((await sendStripeWebhook(platform.url('payment-svc'), event)).status).toBe(200);

    // Another payment's event goes on at once; the same payment's later event waits until the poison is parked.
    await eventFor(other, 'PaymentHoldReleased');
    const parked = await waitFor(
      async () => {
        const answer = await fetch(`${platform.url('payment-svc')}/internal/stripe-events/parked`, {
          headers: await admin('GET', '/internal/stripe-events/parked'),
        });
        return ((await answer.json()) as { data: Array<{ id: string; attempts: number; lastError: string }> }).data.find((e) => e.id === poison.id);
      },
      20_000,
      () => 'the poison event to be parked',
    );
    expect(parked).toMatchObject({ attempts: 3, lastError: expect.stringContaining('refund') });
    await eventFor(poisoned, 'PaymentHoldReleased');
    const metrics = await (await fetch(`${platform.url('payment-svc')}/metrics`)).text();
    expect(metrics).toMatch(/^booking_payment_webhook_events_parked_total\{[^}]*type="charge.refunded"[^}]*\} [1-9]/m);

    const redrive = async (id: string) =>
      fetch(`${platform.url('payment-svc')}/internal/stripe-events/${id}/redrive`, {
        method: 'POST',
        headers: await admin('POST', `/internal/stripe-events/${id}/redrive`),
      });
    expect((await redrive(poison.id)).status).toBe(200);
    expect((await redrive('evt_unknown')).status).toBe(404);
  }, 60_000);
});
