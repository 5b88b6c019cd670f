import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Connection, Model } from 'mongoose';
import { AggregateStore, relayThatNeverPublishes } from '@bp/outbox';
import { type FakeIntent, StripeFake, uniqueSuffix, waitFor, connectScratchDatabase, dropScratchDatabase } from '@bp/testing';
import { PaymentConfig } from '../../config/payment.config.js';
import { hourOf, hoursAfter } from '../domain/hold-review.js';
import { type Payment, markHoldExpiringNotified, newPayment, recordHold } from '../domain/payment.js';
import { requestInput } from '../domain/payment.fixtures.js';
import { HoldReviewWatermark, PAYMENT_MONITOR_COLLECTION } from '../infrastructure/hold-review-watermark.js';
import { paymentMetrics } from '../infrastructure/payment.metrics.js';
import { PaymentRepository } from '../infrastructure/payment.repository.js';
import { PAYMENT_MODEL, type PaymentDocument, PaymentSchema } from '../infrastructure/payment.schema.js';
import type { PayoutAccountRepository } from '../infrastructure/payout-account.repository.js';
import { StripeGateway } from '../infrastructure/stripe-gateway.js';
import { summarizeHolds } from './hold-aging.js';
import { HoldMonitor } from './hold-monitor.js';
import { Payouts } from './payouts.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The hold monitor's review buckets on the real engine, with Stripe played by the stateful fake the real
 * SDK talks to (stripe-mock answers every intent alike, so it cannot say that one hold lapsed and
 * another is in an odd state). Messages stay in the payments' outboxes: no relay publishes them here.
 */
describe('HoldMonitor on the real MongoDB-compatible server', () => {
  const fake = new StripeFake();
  let connection: Connection;
  let model: Model<PaymentDocument>;
  let repository: PaymentRepository;
  let watermark: HoldReviewWatermark;
  let monitor: HoldMonitor;
  /** The middle of the current hour: every hour before it has been over for half an hour. */
  let now: Date;
  let current: string;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    const stripeBase = await fake.start();
    connection = await connectScratchDatabase(`hold_monitor_${uniqueSuffix()}`);
    model = connection.model<PaymentDocument>(PAYMENT_MODEL, PaymentSchema);
    await model.init();
    const relay = relayThatNeverPublishes();
    repository = new PaymentRepository(model, new AggregateStore(model, relay));
    watermark = new HoldReviewWatermark(connection);
    const config = Object.assign(new PaymentConfig(), { STRIPE_SECRET_KEY: 'sk_test_holdmonitor', STRIPE_API_BASE: stripeBase });
    const stripe = new StripeGateway(config);
    monitor = new HoldMonitor(repository, watermark, stripe, new Payouts(repository, {} as PayoutAccountRepository, stripe));
  });

  afterAll(async () => {
    await dropScratchDatabase(connection);
    await fake.stop();
  });

  beforeEach(async () => {
    await model.deleteMany({});
    await connection.collection(PAYMENT_MONITOR_COLLECTION).deleteMany({});
    // Writes file holds by the wall clock's hour: a test never straddles the turn of an hour.
    const left = HOUR - (Date.now() % HOUR);
    if (left < 20_000)
      await waitFor(
        () => Date.now() % HOUR > 0 && Date.now() % HOUR < HOUR / 2,
        left + 5_000,
        () => 'the next hour',
      );
    current = hourOf(new Date());
    now = new Date(Date.parse(`${current}:30:00Z`));
  });

  const intent = (id: string, status: string): FakeIntent => ({
    id,
    object: 'payment_intent',
    amount: 10_000,
    amount_received: 0,
    currency: 'usd',
    capture_method: 'manual',
    status,
    metadata: {},
    latest_charge: null,
  });

  /** A held payment lapsing at `expiresAt`, filed by an earlier write in `reviewHour`, whose intent Stripe has in `stripeStatus`. */
  async function held(expiresAt: Date, reviewHour: string, { warned = false, stripeStatus = 'requires_capture' } = {}): Promise<Payment> {
    const bookingId = `b-${randomUUID()}`;
    const placed = newPayment({ ...requestInput, bookingId });
    const hold = recordHold(placed, `pi_${bookingId}`, new Date(expiresAt.getTime() - 7 * DAY), expiresAt);
    const payment = warned ? markHoldExpiringNotified(hold, new Date(expiresAt.getTime() - DAY)) : hold;
    await repository.createOrGet(payment);
    await model.collection.updateOne({ _id: bookingId as never }, { $set: { holdReviewHour: reviewHour } });
    fake.intents.set(payment.paymentIntentId!, intent(payment.paymentIntentId!, stripeStatus));
    return payment;
  }

  const stored = async (payment: Payment) => (await model.findById(payment.bookingId).lean<PaymentDocument>())!;
  const messages = async (payment: Payment) => (await stored(payment)).outbox.map((entry) => entry.envelope.type);
  const hoursAgo = (hours: number) => hoursAfter(current, -hours);

  it('reviews the buckets after the watermark through the current hour: warns, reconciles a lapsed hold, leaves one not due yet', async () => {
    await watermark.start(hoursAgo(4));
    const warningDue = await held(new Date(now.getTime() + 22 * HOUR), hoursAgo(2));
    const lapsed = await held(new Date(now.getTime() - 50 * 60_000), hoursAgo(1), { warned: true, stripeStatus: 'canceled' });
    const laterThisHour = new Date(Date.parse(`${current}:50:00Z`));
    const notYet = await held(new Date(laterThisHour.getTime() + DAY), current);

    await monitor.scan(now);

    expect(await stored(warningDue)).toMatchObject({
      status: 'held',
      hold: { expiringNotifiedAt: now },
      holdReviewHour: hourOf(warningDue.hold!.expiresAt),
      version: warningDue.version + 1,
    });
    expect(await messages(warningDue)).toEqual(['PaymentHoldExpiring']);
    const released = await stored(lapsed);
    expect(released).toMatchObject({ status: 'cancelled', hold: { cancelReason: 'expired' } });
    expect(released).not.toHaveProperty('holdReviewHour');
    expect(await messages(lapsed)).toEqual(['PaymentHoldReleased']);
    expect(await stored(notYet)).toMatchObject({ status: 'held', holdReviewHour: current, version: notYet.version });
    expect(await stored(notYet)).not.toHaveProperty('hold.expiringNotifiedAt');
    expect(await watermark.read()).toBe(hoursAgo(1));
  });

  it('does not read a bucket at or before the watermark again', async () => {
    await watermark.start(hoursAgo(2));
    const atMark = await held(new Date(now.getTime() - HOUR), hoursAgo(2), { warned: true, stripeStatus: 'canceled' });
    const beforeMark = await held(new Date(now.getTime() + 20 * HOUR), hoursAgo(3));

    await monitor.scan(now);

    expect(await stored(atMark)).toMatchObject({ status: 'held', holdReviewHour: hoursAgo(2), version: atMark.version });
    expect(await stored(beforeMark)).toMatchObject({ status: 'held', holdReviewHour: hoursAgo(3), version: beforeMark.version });
    expect(fake.requests.filter((r) => r.path.includes(atMark.paymentIntentId!))).toEqual([]);
    expect(await watermark.read()).toBe(hoursAgo(1));
  });

  it('does not pass the hour just ended in its first five minutes (a write decided in it may still land there)', async () => {
    await watermark.start(hoursAgo(3));

    await monitor.scan(new Date(Date.parse(`${current}:04:00Z`)));
    expect(await watermark.read()).toBe(hoursAgo(2));

    await monitor.scan(new Date(Date.parse(`${current}:05:00Z`)));
    expect(await watermark.read()).toBe(hoursAgo(1));
  });

  it('keeps a hold whose check failed in its bucket and the watermark before it; the next scan, Stripe answering, reviews it and moves on', async () => {
    await watermark.start(hoursAgo(5));
    const failing = await held(new Date(now.getTime() - 3 * HOUR), hoursAgo(3), { warned: true, stripeStatus: 'canceled' });
    const later = await held(new Date(now.getTime() + 23 * HOUR), hoursAgo(1));
    const path = `/v1/payment_intents/${failing.paymentIntentId}?expand[0]=latest_charge`;
    fake.failNext(4, 'GET', path); // the first call and the SDK's three retries: Stripe is down

    await monitor.scan(now);

    expect(fake.requests.filter((r) => r.path === path)).toHaveLength(4);
    expect(await stored(failing)).toMatchObject({ status: 'held', holdReviewHour: hoursAgo(3), version: failing.version });
    expect(await stored(later)).toMatchObject({ hold: { expiringNotifiedAt: now } }); // the later buckets are still reviewed
    expect(await watermark.read()).toBe(hoursAgo(4));

    await monitor.scan(now);

    expect(await stored(failing)).toMatchObject({ status: 'cancelled' });
    expect(await watermark.read()).toBe(hoursAgo(1));
  }, 30_000);

  it('looks again at every scan at a lapsed hold Stripe still shows in another state (filed in the current hour), and moves the watermark past its old bucket', async () => {
    await watermark.start(hoursAgo(3));
    const odd = await held(new Date(now.getTime() - 2 * HOUR), hoursAgo(2), { warned: true, stripeStatus: 'requires_payment_method' });
    const stillAuthorised = await held(new Date(now.getTime() - HOUR), hoursAgo(1), { warned: true, stripeStatus: 'requires_capture' });

    await monitor.scan(now);

    for (const payment of [odd, stillAuthorised])
      expect(await stored(payment)).toMatchObject({ status: 'held', holdReviewHour: current, version: payment.version });
    expect(await watermark.read()).toBe(hoursAgo(1));
    const checks = fake.requests.length;

    await monitor.scan(now); // the current hour is read again: Stripe is asked again, and it stays there

    expect(fake.requests.length - checks).toBe(2);
    for (const payment of [odd, stillAuthorised]) expect(await stored(payment)).toMatchObject({ holdReviewHour: current, version: payment.version });
  });

  it('starts a new database eight days back', async () => {
    const lapsedAWeekAgo = await held(new Date(now.getTime() - 7 * DAY), hoursAgo(7 * 24), { warned: true, stripeStatus: 'canceled' });
    const nineDaysBack = await held(new Date(now.getTime() - 9 * DAY), hoursAgo(9 * 24), { warned: true, stripeStatus: 'canceled' });

    await monitor.scan(now);

    expect(await stored(lapsedAWeekAgo)).toMatchObject({ status: 'cancelled' });
    expect(await stored(nineDaysBack)).toMatchObject({ status: 'held', version: nineDaysBack.version });
    expect(await watermark.read()).toBe(hoursAgo(1));
  });

  it('files a held payment written without a review hour (by the release before), and takes a payment that holds nothing out of the buckets', async () => {
    await watermark.start(hoursAgo(2));
    const unfiled = await held(new Date(now.getTime() + 3 * DAY), current);
    await model.collection.updateOne({ _id: unfiled.bookingId as never }, { $unset: { holdReviewHour: '' } });
    const captured = await held(new Date(now.getTime() + 3 * DAY), hoursAgo(1));
    await model.collection.updateOne({ _id: captured.bookingId as never }, { $set: { status: 'captured' } });

    await monitor.scan(now);

    expect(await stored(unfiled)).toMatchObject({ status: 'held', holdReviewHour: hourOf(new Date(now.getTime() + 2 * DAY)), version: unfiled.version });
    expect(await stored(captured)).toMatchObject({ status: 'captured', version: captured.version });
    expect(await stored(captured)).not.toHaveProperty('holdReviewHour');
  });

  it('counts every held payment for the gauges and the admin summary, from a projection of what they count, past the 10,000 the old read stopped at', async () => {
    const count = 10_050;
    const expiresAt = new Date(now.getTime() + 3 * DAY);
    const createdAt = new Date(now.getTime() - 4 * DAY);
    const farAhead = hoursAfter(current, 24 * 30);
    const documents = Array.from({ length: count }, (_, i) => ({
      _id: `bulk-${i}`,
      status: 'held',
      currency: i % 2 ? 'usd' : 'eur',
      amountCents: 1_000,
      ...(i < 3 ? { captureWaiting: true } : {}),
      hold: { createdAt, expiresAt },
      holdReviewHour: farAhead,
      attempts: { hold: 1 },
      version: 2,
    }));
    await model.collection.insertMany(documents as never[], { ordered: false });

    const rows = await repository.listHeld();
    expect(rows).toHaveLength(count);
    expect(rows.find((row) => row.bookingId === 'bulk-0')).toEqual({
      bookingId: 'bulk-0',
      status: 'held',
      currency: 'eur',
      amountCents: 1_000,
      captureWaiting: true,
      hold: { createdAt, expiresAt },
      holdReviewHour: farAhead,
    });
    expect(summarizeHolds(rows, now)).toMatchObject({
      activeHoldsCount: count,
      activeHoldsAmountCents: { usd: 5_025_000, eur: 5_025_000 },
      capturesDeferred: 3,
    });

    await watermark.start(hoursAgo(1));
    await monitor.scan(now);
    const active = Object.fromEntries((await paymentMetrics.holdsActive().get()).values.map((v) => [v.labels['currency'], v.value]));
    expect(active).toEqual({ usd: 5_025, eur: 5_025 });
    expect((await paymentMetrics.holdsByAge().get()).values.find((v) => v.labels['age'] === 'days3to5')?.value).toBe(count);
  }, 60_000);
});
