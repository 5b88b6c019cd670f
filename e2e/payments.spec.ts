import { randomUUID } from 'node:crypto';
import { type MessageType, type PayloadOf, Topics } from '@bp/contracts';
import { buildMessage } from '@bp/messaging';
import { type ProbedRecord, probeTopic, testKafka, waitFor } from '@bp/testing';
import { type TestPlatform, startPlatform } from './support/test-platform.js';

/**
 * payment-svc as a real process: booking-svc's payment commands in, Stripe calls through the SDK to
 * stripe-mock, and the payment events booking-svc waits for out, with the state in its own database.
 */
describe('payment-svc answers booking-svc’s payment commands', () => {
  let platform: TestPlatform;
  let events: { records: ProbedRecord[]; stop: () => Promise<void> };
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
    const message = buildMessage(Topics.paymentCommands, type, payload, { id: (payload as { bookingId: string }).bookingId, version: 1 });
    await producer.send({ topic: message.topic, messages: [{ key: message.key, value: JSON.stringify(message.envelope) }] });
  }

  const eventFor = (bookingId: string, type: string) =>
    waitFor(
      () => events.records.map((r) => JSON.parse(r.value ?? '{}')).find((e) => e.type === type && e.payload?.bookingId === bookingId),
      20_000,
      () => `${type} for ${bookingId}`,
    );
  const stored = (bookingId: string) =>
    platform.mongo
      .db(platform.database('payment-svc'))
      .collection('payments')
      .findOne({ _id: bookingId as never });
  const hold = (bookingId: string) =>
    command('PlacePaymentHold', {
      bookingId,
      patientId: 'u1',
      providerId: 'p1',
      amountCents: 10_000,
      currency: 'usd',
      platformFeeCents: 1150,
      bookingType: 'request',
      bookingNumber: 'FH-20300101-AAAAA',
    });

  it('holds, captures and refunds in parts, refusing a refund above what was captured', async () => {
    const bookingId = `b-${randomUUID()}`;
    await hold(bookingId);
    const placed = await eventFor(bookingId, 'PaymentHoldPlaced');
    expect(placed.payload).toMatchObject({ amountCents: 10_000, paymentIntentId: expect.stringMatching(/^pi_/) });
    expect(await stored(bookingId)).toMatchObject({ status: 'held', attempts: {}, fee: { calculatedFeeCents: 1150 } });

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
  }, 60_000);

  it('treats a repeated hold command for the same booking as done', async () => {
    const bookingId = `b-${randomUUID()}`;
    await hold(bookingId);
    await eventFor(bookingId, 'PaymentHoldPlaced');
    await hold(bookingId); // a new command (new event id), e.g. a replay by an operator
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(events.records.filter((r) => r.value?.includes(bookingId) && r.value.includes('"PaymentHoldPlaced"'))).toHaveLength(1);
  }, 60_000);
});
