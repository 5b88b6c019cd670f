import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Topics } from '@bp/contracts';
import { StripeFake, infraEnv, publish, testKafka, waitFor, workspaceRoot } from '@bp/testing';
import { type TestActor, createProvider, internalCall, slotStart } from './support/internal-api.js';
import { invariantFindings } from './support/invariants.js';
import { type TestPlatform, startPlatform } from './support/test-platform.js';

const ADMIN: TestActor = { type: 'admin', id: 'admin-failures' };
const RETRY_WINDOW_SECONDS = 10;

/**
 * Every failure path ends in a state that frees what it holds (docs/failure-model.md): booking-svc,
 * payment-svc and scheduler-svc on a stateful Stripe, with a short retry window after a failed payment.
 */
describe('failure paths free the slot and the money', () => {
  const fake = new StripeFake();
  let platform: TestPlatform;
  let stripeBase: string;

  beforeAll(async () => {
    stripeBase = await fake.start();
    platform = await startPlatform(['booking-svc', 'payment-svc', 'scheduler-svc'], {
      portOffset: 540,
      env: {
        'booking-svc': { PAYMENT_RETRY_WINDOW_SECONDS: String(RETRY_WINDOW_SECONDS) },
        'payment-svc': { STRIPE_API_BASE: stripeBase },
      },
    });
  }, 120_000);

  // Each flow ends clean: the invariant checker (npm run check:invariants) finds nothing once its messages settle.
  afterEach(async () => {
    const findings = await invariantFindings(platform, stripeBase);
    expect(findings).toEqual({ violations: [], deferredCaptures: [] });
  }, 30_000);

  afterAll(async () => {
    await platform?.stop();
    await fake.stop();
  }, 60_000);

  const bookings = (method: string, path: string, actor: TestActor, body?: unknown) => internalCall(platform.url('booking-svc'), method, path, actor, body);
  const newPatient = (): TestActor => ({ type: 'patient', id: `patient-${randomUUID()}` });
  const bookingState = (id: string, actor: TestActor, check: (booking: any) => boolean, timeoutMs = 20_000) =>
    waitFor(
      async () => {
        const booking = (await bookings('GET', `/internal/bookings/${id}`, actor)).body.data;
        return booking && check(booking) ? booking : undefined;
      },
      timeoutMs,
      () => `booking ${id} in the expected state`,
    );
  const reserve = (providerId: string, patient: TestActor, start: Date) =>
    bookings('POST', '/internal/reservations', patient, { providerId, serviceId: 'svc-consult', startTime: start.toISOString() });

  async function book(providerId: string, patient: TestActor, start: Date): Promise<string> {
    const reservation = await reserve(providerId, patient, start);
    expect(reservation.status).toBe(201);
    const booking = await bookings('POST', '/internal/bookings', patient, { reservationId: reservation.body.data.id, patientTimezone: 'UTC' });
    expect(booking.status).toBe(201);
    return booking.body.data.id;
  }

  /** A request booking confirmed by its provider and captured. */
  async function confirmedBooking(start: Date) {
    const provider = await createProvider(platform.url('booking-svc'));
    const patient = newPatient();
    const id = await book(provider.id, patient, start);
    await bookingState(id, patient, (b) => b.status === 'pending_confirmation');
    expect((await bookings('POST', `/internal/bookings/${id}/confirm`, provider.actor)).status).toBe(200);
    const booking = await bookingState(id, patient, (b) => b.status === 'confirmed');
    return { provider, patient, id, paymentIntentId: booking.payment.paymentIntentId as string };
  }

  it('gives a declined card a retry window, then expires the booking and frees its slot', async () => {
    const provider = await createProvider(platform.url('booking-svc'));
    const patient = newPatient();
    const start = slotStart(40);
    fake.declineNext('POST', '/v1/payment_intents');
    const id = await book(provider.id, patient, start);
    const failed = await bookingState(id, patient, (b) => b.status === 'payment_failed');
    expect(new Date(failed.payment.retryUntil).getTime()).toBeGreaterThan(Date.now());
    // While the patient may still pay, the slot stays theirs.
    expect((await reserve(provider.id, newPatient(), start)).status).toBe(409);

    const expired = await bookingState(id, patient, (b) => b.status === 'expired', (RETRY_WINDOW_SECONDS + 20) * 1000);
    expect(expired.payment.status).toBe('failed');
    const trail = (await bookings('GET', `/internal/bookings/${id}/events`, patient)).body.data;
    expect(trail.at(-1)).toMatchObject({ eventType: 'expired', previousStatus: 'payment_failed', data: { lapse: 'payment_retry' } });
    expect((await reserve(provider.id, newPatient(), start)).status).toBe(201);
    expect((await bookings('POST', `/internal/bookings/${id}/retry-payment`, patient)).status).toBe(409);
  }, 60_000);

  it('lets the patient or the provider cancel a booking whose payment failed, freeing the slot', async () => {
    const provider = await createProvider(platform.url('booking-svc'));
    for (const who of ['patient', 'provider'] as const) {
      const patient = newPatient();
      const start = slotStart(who === 'patient' ? 41 : 42);
      fake.declineNext('POST', '/v1/payment_intents');
      const id = await book(provider.id, patient, start);
      await bookingState(id, patient, (b) => b.status === 'payment_failed');
      const cancelled = await bookings('POST', `/internal/bookings/${id}/cancel`, who === 'patient' ? patient : provider.actor, { reason: 'no card' });
      expect(cancelled).toMatchObject({ status: 200, body: { data: { status: `cancelled_${who}` } } });
      expect((await reserve(provider.id, newPatient(), start)).status).toBe(201);
    }
  });

  it('sends a request whose capture fails after the provider confirmed to payment_failed; paying again confirms it with one live authorisation', async () => {
    const provider = await createProvider(platform.url('booking-svc'));
    const patient = newPatient();
    const id = await book(provider.id, patient, slotStart(43));
    const waiting = await bookingState(id, patient, (b) => b.status === 'pending_confirmation');
    const firstIntent = waiting.payment.paymentIntentId as string;
    fake.declineNext('POST', `/v1/payment_intents/${firstIntent}/capture`);
    expect((await bookings('POST', `/internal/bookings/${id}/confirm`, provider.actor)).status).toBe(200);
    const failed = await bookingState(id, patient, (b) => b.status === 'payment_failed');
    expect(failed).toMatchObject({ confirmation: { responseType: 'confirmed' }, payment: { status: 'failed' } });

    expect((await bookings('POST', `/internal/bookings/${id}/retry-payment`, patient)).status).toBe(200);
    const confirmed = await bookingState(id, patient, (b) => b.status === 'confirmed');
    expect(confirmed.payment).toMatchObject({ status: 'captured', capturedAmountCents: 10_000 });
    expect(new Date(confirmed.confirmedAt).getTime()).toBeGreaterThan(new Date(failed.updatedAt).getTime());
    expect(confirmed.payment.paymentIntentId).not.toBe(firstIntent);
    expect(
      fake
        .intentsFor(id)
        .map((intent) => intent.status)
        .sort(),
    ).toEqual(['canceled', 'succeeded']);
  });

  it('releases the authorisation of a booking the patient cancelled while its card was being authorised', async () => {
    const provider = await createProvider(platform.url('booking-svc'));
    const patient = newPatient();
    fake.delayNext(5_000, 'POST', '/v1/payment_intents'); // the card network takes its time
    const id = await book(provider.id, patient, slotStart(44));
    const cancelled = await bookings('POST', `/internal/bookings/${id}/cancel`, patient, { reason: 'changed my mind' });
    expect(cancelled).toMatchObject({ status: 200, body: { data: { status: 'cancelled_patient', payment: { status: 'pending' } } } });
    // The hold asked for before the cancellation arrives, and is let go at once.
    await bookingState(id, patient, (b) => b.payment.status === 'cancelled');
    expect(fake.intentsFor(id).map((intent) => intent.status)).toEqual(['canceled']);
    const trail = (await bookings('GET', `/internal/bookings/${id}/events`, patient)).body.data;
    expect(trail.map((e: { eventType: string }) => e.eventType)).toEqual(['created', 'cancelled', 'payment_held', 'payment_released']);
  }, 30_000);

  it('refunds an up-front charge (payment holds off) of a booking the patient cancelled while it was being taken', async () => {
    const provider = await createProvider(platform.url('booking-svc'));
    const name = 'booking.payment_holds_enabled';
    const producer = testKafka().producer();
    await producer.connect();
    try {
      await publish(producer, Topics.featureFlags, 'FeatureFlagChanged', { name, enabled: true, providerOverrides: { [provider.id]: false } }, name);
    } finally {
      await producer.disconnect();
    }
    await waitFor(
      async () =>
        (await internalCall(platform.url('payment-svc'), 'GET', '/internal/feature-flags', ADMIN)).body.data?.settings[name]?.providerOverrides?.[
          provider.id
        ] === false,
      10_000,
      () => 'payment-svc to see holds switched off for the provider',
    );
    const patient = newPatient();
    fake.delayNext(5_000, 'POST', '/v1/payment_intents');
    const id = await book(provider.id, patient, slotStart(49));
    expect((await bookings('POST', `/internal/bookings/${id}/cancel`, patient, {})).body.data.status).toBe('cancelled_patient');
    // The charge taken meanwhile comes back in full, once.
    await bookingState(id, patient, (b) => b.payment.status === 'refunded' && b.payment.refundedAmountCents === 10_000);
    const [intent] = fake.intentsFor(id);
    expect(intent).toMatchObject({ capture_method: 'automatic', status: 'succeeded' });
    expect(fake.refunds.filter((r) => r.payment_intent === intent?.id).map((r) => r.amount)).toEqual([10_000]);
  }, 30_000);

  it('refunds in full when an admin cancels a paid booking, and frees the slot', async () => {
    const start = slotStart(45);
    const { provider, patient, id, paymentIntentId } = await confirmedBooking(start);
    const override = await bookings('POST', `/internal/bookings/${id}/override`, ADMIN, { status: 'cancelled_admin', reason: 'provider unavailable' });
    expect(override).toMatchObject({ status: 200, body: { data: { status: 'cancelled_admin' } } });
    await bookingState(id, patient, (b) => b.payment.status === 'refunded' && b.payment.refundedAmountCents === 10_000);
    expect(fake.refunds.filter((r) => r.payment_intent === paymentIntentId).map((r) => r.amount)).toEqual([10_000]);
    expect((await reserve(provider.id, newPatient(), start)).status).toBe(201);
    // Nothing is left to take: it cannot be confirmed again.
    expect(await bookings('POST', `/internal/bookings/${id}/override`, ADMIN, { status: 'confirmed', reason: 'oops' })).toMatchObject({
      status: 409,
      body: { error: { code: 'INVALID_TRANSITION', details: { reason: 'payment_not_available' } } },
    });
  });

  it('claims the slot again when an admin brings a booking back, and refuses when someone else has it by then', async () => {
    const start = slotStart(46);
    const { provider, id } = await confirmedBooking(start);
    expect((await bookings('POST', `/internal/bookings/${id}/override`, ADMIN, { status: 'no_show', reason: 'marked in error' })).status).toBe(200);
    expect((await bookings('POST', `/internal/bookings/${id}/override`, ADMIN, { status: 'confirmed', reason: 'the patient came' })).status).toBe(200);
    expect((await reserve(provider.id, newPatient(), start)).status).toBe(409);

    const other = await confirmedBooking(slotStart(47));
    expect((await bookings('POST', `/internal/bookings/${other.id}/override`, ADMIN, { status: 'no_show', reason: 'marked' })).status).toBe(200);
    expect((await reserve(other.provider.id, newPatient(), slotStart(47))).status).toBe(201);
    expect(await bookings('POST', `/internal/bookings/${other.id}/override`, ADMIN, { status: 'confirmed', reason: 'undo' })).toMatchObject({
      status: 409,
      body: { error: { code: 'SLOT_UNAVAILABLE' } },
    });
    expect((await bookings('GET', `/internal/bookings/${other.id}`, ADMIN)).body.data.status).toBe('no_show');
  });

  it('npm run check:invariants reports a violation with its booking id and exits 1, and exits 0 once it is gone', async () => {
    const { id } = await confirmedBooking(slotStart(48));
    const env = {
      ...process.env,
      MONGO_URL: infraEnv().MONGO_URL,
      BOOKING_DB: platform.database('booking-svc'),
      PAYMENT_DB: platform.database('payment-svc'),
      SCHEDULER_DB: platform.database('scheduler-svc'),
    };
    const run = () => spawnSync('node', ['scripts/check-invariants.mjs'], { cwd: workspaceRoot, env, encoding: 'utf8' });
    expect(run()).toMatchObject({ status: 0, stdout: expect.stringContaining('invariants: clean') });
    // A confirmed booking that lost its slot: another patient could book the same time.
    const holds = platform.mongo.db(platform.database('booking-svc')).collection<{ _id: string }>('slot_holds');
    const booking = (await bookings('GET', `/internal/bookings/${id}`, ADMIN)).body.data;
    const hold = await holds.findOne({ _id: booking.reservationId });
    await holds.deleteOne({ _id: booking.reservationId });
    try {
      const broken = run();
      expect(broken.status).toBe(1);
      expect(broken.stdout).toContain(`live-booking-without-slot\t${id}`);
    } finally {
      await holds.insertOne(hold!);
    }
    expect(run().status).toBe(0);
  }, 60_000);
});
