import { randomUUID } from 'node:crypto';
import { type MessageType, type PayloadOf, type PlacePaymentHold, Topics } from '@bp/contracts';
import { type TopicProbe, probeTopic, publish, testKafka, waitFor } from '@bp/testing';
import { outboxPublished, sendAndAwaitConsumed } from './support/consumed.js';
import { sendStripeWebhook, stripeEvent, stripeEventProcessed } from './support/stripe-webhooks.js';
import { type TestPlatform, startPlatform } from './support/test-platform.js';

/**
 * payment-svc as a real process: booking-svc's payment commands in, Stripe calls through the SDK to
 * stripe-mock, and the payment events booking-svc waits for out, with the state in its own database.
 */
describe('payment-svc answers booking-svc’s payment commands', () => {
  let platform: TestPlatform;
  let events: TopicProbe;
  const kafka = testKafka();
  const producer = kafka.producer();

  beforeAll(async () => {
    platform = await startPlatform(['payment-svc'], { portOffset: 120 });
    events = await probeTopic(Topics.paymentEvents, kafka);
    await producer.connect();
  }, 120_000);

  afterAll(async () => {
    await producer.disconnect();
    await events?.stop();
    await platform?.stop();
  }, 60_000);

  async function command<M extends MessageType<'payment.commands.v1'>>(type: M, payload: PayloadOf<'payment.commands.v1', M>) {
    await publish(producer, Topics.paymentCommands, type, payload, (payload as { bookingId: string }).bookingId);
  }

  const eventFor = (bookingId: string, type: string) =>
    waitFor(
      () => events.records.map((r) => JSON.parse(r.value ?? '{}')).find((e) => e.type === type && e.payload?.bookingId === bookingId),
      20_000,
      () => `${type} for ${bookingId}`,
    );
  const paymentDb = () => platform.mongo.db(platform.database('payment-svc'));
  const stored = (bookingId: string) =>
    paymentDb()
      .collection('payments')
      .findOne({ _id: bookingId as never });
  const hold = (bookingId: string, fee: { platformFeeCents: number; feePolicy?: PlacePaymentHold['feePolicy'] } = { platformFeeCents: 1150 }) =>
    command('PlacePaymentHold', {
      bookingId,
      patientId: 'u1',
      providerId: 'p1',
      amountCents: 10_000,
      currency: 'usd',
      ...fee,
      bookingType: 'request',
      bookingNumber: 'FH-20300101-AAAAA',
    });

  it('holds, captures and refunds in parts, refusing a refund above what was captured', async () => {
    const bookingId = `b-${randomUUID()}`;
    // booking-svc priced this booking with a fee rule other than the default: the payment keeps booking-svc's fee, not its own.
    const feePolicy = { percentage: 20, flatFeeCents: 100, maxFeeCents: 5_000 };
    await hold(bookingId, { platformFeeCents: 2_100, feePolicy });
    const placed = await eventFor(bookingId, 'PaymentHoldPlaced');
    expect(placed.payload).toMatchObject({ amountCents: 10_000, paymentIntentId: expect.stringMatching(/^pi_/) });
    expect(await stored(bookingId)).toMatchObject({ status: 'held', attempts: {}, fee: { ...feePolicy, calculatedFeeCents: 2_100 } });

    await command('CapturePayment', { bookingId, amountCents: 10_000, reason: 'provider_confirmed' });
    expect((await eventFor(bookingId, 'PaymentCaptured')).payload).toMatchObject({ amountCents: 10_000 });
    await command('RefundPayment', { bookingId, amountCents: 4_000, reason: 'late_cancellation' });
    expect((await eventFor(bookingId, 'PaymentRefunded')).payload).toMatchObject({ amountCents: 4_000, totalRefundedCents: 4_000 });
    await waitFor(
      async () => (await stored(bookingId))?.['status'] === 'partial_refund',
      10_000,
      () => 'partial refund stored',
    );

    // 7,000 > the 6,000 left: refused before Stripe is asked, and dead-lettered with the reason for an admin.
    const dlq = await probeTopic(`${platform.group('payment-svc')}.dead-letter.v1`, kafka);
    try {
      await command('RefundPayment', { bookingId, amountCents: 7_000, reason: 'too much' });
      const dead = await waitFor(
        () => dlq.records.find((r) => r.value?.includes(bookingId)),
        20_000,
        () => 'the refused refund',
      );
      expect(dead.headers['x-dead-letter-error']).toContain('REFUND_EXCEEDS_CAPTURED');
    } finally {
      await dlq.stop();
    }
    expect(await stored(bookingId)).toMatchObject({
      refundedCents: 4_000,
      refunds: [expect.objectContaining({ amountCents: 4_000, refundId: expect.stringMatching(/^re_/) })],
    });
  }, 60_000);

  it('releases a hold that will not be captured', async () => {
    const bookingId = `b-${randomUUID()}`;
    await hold(bookingId);
    await eventFor(bookingId, 'PaymentHoldPlaced');
    await command('ReleasePaymentHold', { bookingId, reason: 'provider_declined' });
    await eventFor(bookingId, 'PaymentHoldReleased');
    expect(await stored(bookingId)).toMatchObject({ status: 'cancelled', hold: { cancelReason: 'provider_declined' } });
    const metrics = await (await fetch(`${platform.url('payment-svc')}/metrics`)).text();
    for (const name of ['booking_payment_hold_created_total', 'booking_payment_hold_cancelled_total']) {
      expect(metrics).toMatch(new RegExp(`^${name}\\{[^}]*currency="usd"[^}]*\\} [1-9]`, 'm'));
    }
    expect(metrics).toMatch(/^# TYPE booking_payment_holds_active_amount_cents gauge$/m);
  }, 60_000);

  it('treats a repeated hold command for the same booking as done', async () => {
    const bookingId = `b-${randomUUID()}`;
    await hold(bookingId);
    await eventFor(bookingId, 'PaymentHoldPlaced');
    await sendAndAwaitConsumed(platform.url('payment-svc'), { topic: Topics.paymentCommands, type: 'PlacePaymentHold' }, () => hold(bookingId)); // a new command (new event id), e.g. a replay by an operator
    await outboxPublished(paymentDb(), 'payments');
    await events.caughtUp();
    expect(events.records.filter((r) => r.value?.includes(bookingId) && r.value.includes('"PaymentHoldPlaced"'))).toHaveLength(1);
  }, 60_000);

  describe('Stripe webhooks', () => {
    const webhook = (event: object, options: { tamper?: boolean; ageSeconds?: number } = {}) =>
      sendStripeWebhook(platform.url('payment-svc'), event, {
        ...(options.ageSeconds ? { ageSeconds: options.ageSeconds } : {}),
        ...(options.tamper ? { tamper: (payload: string) => payload.replace('"amount_refunded":2000', '"amount_refunded":9000') } : {}),
      });

    it('verifies, stores once, and applies a refund made at Stripe; refuses tampered and stale deliveries', async () => {
      const bookingId = `b-${randomUUID()}`;
      await hold(bookingId);
      const placed = await eventFor(bookingId, 'PaymentHoldPlaced');
      await command('CapturePayment', { bookingId, amountCents: 10_000, reason: 'provider_confirmed' });
      await eventFor(bookingId, 'PaymentCaptured');
      const refunded = stripeEvent('charge.refunded', {
        id: 'ch_1',
        object: 'charge',
        payment_intent: placed.payload.paymentIntentId,
        amount_refunded: 2000,
        metadata: { bookingId },
      });

      expect(await webhook(refunded, { tamper: true })).toMatchObject({ status: 400, body: { error: { code: 'WEBHOOK_SIGNATURE_INVALID' } } });
      expect(await webhook(refunded, { ageSeconds: 400 })).toMatchObject({ status: 400, body: { error: { code: 'WEBHOOK_SIGNATURE_INVALID' } } });
      expect(await webhook(refunded)).toMatchObject({ status: 200, body: { data: { received: true, duplicate: false } } });
      expect(await webhook(refunded)).toMatchObject({ status: 200, body: { data: { duplicate: true } } });

      expect((await eventFor(bookingId, 'PaymentRefunded')).payload).toMatchObject({ amountCents: 2000, totalRefundedCents: 2000 });
      await waitFor(
        async () => (await stored(bookingId))?.['refundedCents'] === 2000,
        10_000,
        () => 'the refund recorded',
      );
      // An event from before the capture, arriving late, changes nothing.
      const late = stripeEvent('payment_intent.amount_capturable_updated', {
        id: placed.payload.paymentIntentId,
        object: 'payment_intent',
        metadata: { bookingId },
      });
      expect((await webhook(late)).status).toBe(200);
      await stripeEventProcessed(paymentDb(), late.id);
      await outboxPublished(paymentDb(), 'payments');
      await events.caughtUp();
      expect(await stored(bookingId)).toMatchObject({ status: 'partial_refund', capturedCents: 10_000, refundedCents: 2000 });
      expect(events.records.filter((r) => r.value?.includes(bookingId) && r.value.includes('"PaymentRefunded"'))).toHaveLength(1);
      expect(events.records.filter((r) => r.value?.includes(bookingId) && r.value.includes('"PaymentHoldPlaced"'))).toHaveLength(1);
    }, 60_000);
  });
});
