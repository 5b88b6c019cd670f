import { randomUUID } from 'node:crypto';
import { Topics } from '@bp/contracts';
import { StripeFake, publish, testKafka, waitFor } from '@bp/testing';
import { type TestActor, createProvider, internalCall, slotStart } from './support/internal-api.js';
import { sendStripeWebhook, stripeEvent } from './support/stripe-webhooks.js';
import { type TestPlatform, startPlatform } from './support/test-platform.js';
import { scrape } from './support/scrape.js';

const ADMIN: TestActor = { type: 'admin', id: 'admin-ops' };

/**
 * booking-svc and payment-svc together on a stateful Stripe: the capture kill switch, the provider's
 * Connect payout and its reversal after a refund, an admin refund through the API, a request whose
 * card hold lapses within a day, and a disputed charge.
 */
describe('payment operations across booking-svc and payment-svc', () => {
  const fake = new StripeFake();
  let platform: TestPlatform;
  const kafka = testKafka();
  const producer = kafka.producer();

  beforeAll(async () => {
    const stripeBase = await fake.start();
    platform = await startPlatform(['booking-svc', 'payment-svc'], {
      portOffset: 160,
      env: { 'payment-svc': { STRIPE_API_BASE: stripeBase, PAYMENT_SWEEP_INTERVAL_MS: '300', PAYMENT_RECONCILE_INTERVAL_MS: '300' } },
    });
    await producer.connect();
  }, 120_000);

  afterAll(async () => {
    await setCapturesDisabled(false).catch(() => undefined); // the flag topic outlives this test
    await producer.disconnect();
    await platform?.stop();
    await fake.stop();
  }, 60_000);

  const bookings = (method: string, path: string, actor: TestActor, body?: unknown) => internalCall(platform.url('booking-svc'), method, path, actor, body);
  const payments = (method: string, path: string, actor: TestActor, body?: unknown, headers?: Record<string, string>) =>
    internalCall(platform.url('payment-svc'), method, path, actor, body, headers);
  const newPatient = (): TestActor => ({ type: 'patient', id: `patient-${randomUUID()}` });

  async function setCapturesDisabled(enabled: boolean): Promise<void> {
    await publish(producer, Topics.featureFlags, 'FeatureFlagChanged', { name: 'payment.disable_captures', enabled }, 'payment.disable_captures');
    await waitFor(
      async () => (await payments('GET', '/internal/feature-flags', ADMIN)).body.data?.values['payment.disable_captures'] === enabled,
      10_000,
      () => `payment-svc to see payment.disable_captures = ${enabled}`,
    );
  }

  async function requestBooking(providerId: string, patient: TestActor, hoursAhead: number) {
    const reservation = await bookings('POST', '/internal/reservations', patient, {
      providerId,
      serviceId: 'svc-consult',
      startTime: slotStart(hoursAhead).toISOString(),
    });
    expect(reservation.status).toBe(201);
    const booking = await bookings('POST', '/internal/bookings', patient, { reservationId: reservation.body.data.id, patientTimezone: 'UTC' });
    expect(booking.status).toBe(201);
    await bookingState(booking.body.data.id, patient, (b) => b.status === 'pending_confirmation');
    return booking.body.data as { id: string; bookingNumber: string };
  }

  /** A request booking of a new provider and patient, confirmed by the provider and captured. */
  async function confirmedBooking(hoursAhead: number) {
    const provider = await createProvider(platform.url('booking-svc'));
    const patient = newPatient();
    const booking = await requestBooking(provider.id, patient, hoursAhead);
    await bookings('POST', `/internal/bookings/${booking.id}/confirm`, provider.actor);
    await bookingState(booking.id, patient, (b) => b.status === 'confirmed');
    return { provider, patient, booking };
  }

  const bookingState = (id: string, actor: TestActor, check: (booking: any) => boolean) =>
    waitFor(
      async () => {
        const booking = (await bookings('GET', `/internal/bookings/${id}`, actor)).body.data;
        return booking && check(booking) ? booking : undefined;
      },
      20_000,
      () => `booking ${id} in the expected state`,
    );
  const paymentState = (bookingId: string, check: (payment: any) => boolean) =>
    waitFor(
      async () => {
        const payment = (await payments('GET', `/internal/payments/${bookingId}`, ADMIN)).body.data;
        return payment && check(payment) ? payment : undefined;
      },
      20_000,
      () => `payment of ${bookingId} in the expected state`,
    );
  /** Waits until payment-svc's sweep has finished `passes` more passes. */
  async function paymentSweepsPassed(passes: number) {
    const count = async () => (await scrape(platform.url('payment-svc'))).value('payment_sweep_passes_total', { outcome: 'success' }) ?? 0;
    const before = await count();
    await waitFor(
      async () => (await count()) >= before + passes,
      15_000,
      () => `${passes} more payment sweeps`,
    );
  }
  const capturesOf = (paymentIntentId: string) => fake.requests.filter((r) => r.path === `/v1/payment_intents/${paymentIntentId}/capture`);

  it('holds captures while payment.disable_captures is on and runs them when it is off; pays the provider and reverses after an admin refund', async () => {
    const provider = await createProvider(platform.url('booking-svc'));
    const account = await payments('PUT', `/internal/providers/${provider.id}/payout-account`, provider.actor, { stripeAccountId: 'acct_opsprovider1' });
    expect(account).toMatchObject({ status: 200, body: { data: { stripeAccountId: 'acct_opsprovider1', payoutsSent: 0 } } });
    const patient = newPatient();
    const booking = await requestBooking(provider.id, patient, 30);

    await setCapturesDisabled(true);
    try {
      expect((await bookings('POST', `/internal/bookings/${booking.id}/confirm`, provider.actor)).status).toBe(200);
      const deferred = await paymentState(booking.id, (p) => p.captureDeferred === true);
      await paymentSweepsPassed(2); // a whole sweep since: still nothing captured
      expect(capturesOf(deferred.paymentIntentId)).toHaveLength(0);
      expect((await bookings('GET', `/internal/bookings/${booking.id}`, patient)).body.data).toMatchObject({
        status: 'pending_confirmation',
        payment: { status: 'capture_requested' },
      });
      const metrics = await (await fetch(`${platform.url('payment-svc')}/metrics`)).text();
      expect(metrics).toMatch(/^booking_payment_captures_deferred(\{[^}]*\})? [1-9]/m);
    } finally {
      await setCapturesDisabled(false);
    }

    await bookingState(booking.id, patient, (b) => b.status === 'confirmed');
    const captured = await paymentState(booking.id, (p) => p.payout?.status === 'sent');
    expect(capturesOf(captured.paymentIntentId)).toHaveLength(1);
    expect(captured).toMatchObject({ status: 'captured', capturedCents: 10_000, captureDeferred: false, payout: { transferredCents: 8_850 } });
    expect(fake.transfers.filter((t) => t.metadata['bookingId'] === booking.id)).toEqual([
      expect.objectContaining({ amount: 8_850, destination: 'acct_opsprovider1', transfer_group: booking.bookingNumber }),
    ]);

    // An admin refunds half: the patient gets 5,000 back, and 5,000 comes back from the provider's transfer.
    const key = { 'x-idempotency-key': `refund-${randomUUID()}` };
    const refund = await payments('POST', `/internal/payments/${booking.id}/refunds`, ADMIN, { amountCents: 5_000, reason: 'goodwill' }, key);
    expect(refund).toMatchObject({ status: 201, body: { data: { status: 'partial_refund', refundedCents: 5_000 } } });
    expect(refund.body.data.refunds).toEqual([expect.objectContaining({ amountCents: 5_000, initiatedBy: 'admin', reason: 'goodwill' })]);
    const replay = await payments('POST', `/internal/payments/${booking.id}/refunds`, ADMIN, { amountCents: 5_000, reason: 'goodwill' }, key);
    expect(replay.status).toBe(201);
    expect(fake.refunds.filter((r) => r.payment_intent === captured.paymentIntentId)).toHaveLength(1);
    await paymentState(booking.id, (p) => p.payout?.reversedCents === 5_000);
    expect(fake.reversals).toContainEqual(
      expect.objectContaining({ transfer: fake.transfers.find((t) => t.metadata['bookingId'] === booking.id)?.id, amount: 5_000 }),
    );
    await bookingState(booking.id, patient, (b) => b.payment.status === 'partial_refund' && b.payment.refundedAmountCents === 5_000);

    // More than what remains is refused with a clear code; only an admin may refund; strangers see nothing.
    expect(await payments('POST', `/internal/payments/${booking.id}/refunds`, ADMIN, { amountCents: 6_000, reason: 'too much' })).toMatchObject({
      status: 422,
      body: { success: false, error: { code: 'REFUND_EXCEEDS_CAPTURED', details: { remainingCents: 5_000 } } },
    });
    expect((await payments('POST', `/internal/payments/${booking.id}/refunds`, patient, { reason: 'me' })).status).toBe(403);
    expect((await payments('GET', `/internal/payments/${booking.id}`, patient)).status).toBe(200);
    expect((await payments('GET', `/internal/payments/${booking.id}`, newPatient())).status).toBe(404);
    expect((await payments('GET', `/internal/payments/${booking.id}`, { type: 'provider', id: 'someone-else' })).status).toBe(404);
    expect((await payments('POST', `/internal/payments/${booking.id}/refunds`, ADMIN, { amountCents: 10, reason: 'x', status: 'refunded' })).status).toBe(400);
  }, 90_000);

  it('captures an instant booking’s hold as it is placed, and leaves the capture to booking-svc while captures are switched off', async () => {
    const provider = await createProvider(platform.url('booking-svc'), {
      settings: { minimumNoticeHours: 1, bufferMinutes: 15, mode: 'instant', modeOverride: true },
    });
    const instantBooking = async (hoursAhead: number) => {
      const patient = newPatient();
      const reservation = await bookings('POST', '/internal/reservations', patient, {
        providerId: provider.id,
        serviceId: 'svc-consult',
        startTime: slotStart(hoursAhead).toISOString(),
      });
      const booking = await bookings('POST', '/internal/bookings', patient, { reservationId: reservation.body.data.id, patientTimezone: 'UTC' });
      expect(booking.body.data).toMatchObject({ bookingType: 'instant', status: 'pending_payment' });
      return { patient, id: booking.body.data.id as string };
    };
    const holdMetrics = async () => {
      const metrics = await scrape(platform.url('payment-svc'));
      return ['booking_payment_hold_created_total', 'booking_payment_hold_captured_total'].map((name) => metrics.value(name, { currency: 'usd' }) ?? 0);
    };
    const [createdBefore, capturedBefore] = await holdMetrics();

    const paid = await instantBooking(40);
    const confirmed = await bookingState(paid.id, paid.patient, (b) => b.status === 'confirmed');
    const payment = await paymentState(paid.id, (p) => p.status === 'captured');
    expect(payment).toMatchObject({ capturedCents: 10_000, paymentIntentId: expect.stringMatching(/^pi_/) });
    expect(confirmed.payment).toMatchObject({ status: 'captured', capturedAmountCents: 10_000, paymentIntentId: payment.paymentIntentId });
    expect(capturesOf(payment.paymentIntentId)).toHaveLength(1);
    // One step from pending to paid: no payment_held in between, so no capture command went back and forth.
    const trail = (await bookings('GET', `/internal/bookings/${paid.id}/events`, paid.patient)).body.data;
    expect(trail.map((e: any) => [e.eventType, e.previousStatus, e.newStatus])).toEqual([
      ['created', 'slot_reserved', 'pending_payment'],
      ['payment_captured', 'pending_payment', 'confirmed'],
    ]);
    // Counted as a hold placed and captured, as before.
    await waitFor(
      async () => {
        const [created, captured] = await holdMetrics();
        return created >= createdBefore + 1 && captured >= capturedBefore + 1;
      },
      10_000,
      () => 'the hold counted as created and captured',
    );

    await setCapturesDisabled(true);
    let waiting: { patient: TestActor; id: string };
    try {
      waiting = await instantBooking(41);
      const deferred = await paymentState(waiting.id, (p) => p.captureDeferred === true);
      expect(deferred.status).toBe('held');
      expect(capturesOf(deferred.paymentIntentId)).toHaveLength(0);
      expect((await bookings('GET', `/internal/bookings/${waiting.id}`, waiting.patient)).body.data).toMatchObject({
        status: 'pending_payment',
        payment: { status: 'capture_requested' },
      });
    } finally {
      await setCapturesDisabled(false);
    }
    await bookingState(waiting.id, waiting.patient, (b) => b.status === 'confirmed' && b.payment.status === 'captured');
  }, 90_000);

  it('keeps a provider’s payout due until their Connect account is registered, then sends it', async () => {
    const { provider, booking } = await confirmedBooking(32);
    await paymentState(booking.id, (p) => p.payout?.status === 'awaiting_account');
    expect(fake.transfers.filter((t) => t.metadata['bookingId'] === booking.id)).toHaveLength(0);

    expect((await payments('PUT', `/internal/providers/${provider.id}/payout-account`, newPatient(), { stripeAccountId: 'acct_x' })).status).toBe(403);
    expect((await payments('PUT', `/internal/providers/${provider.id}/payout-account`, provider.actor, { stripeAccountId: 'not-an-account' })).status).toBe(
      400,
    );
    const registered = await payments('PUT', `/internal/providers/${provider.id}/payout-account`, provider.actor, { stripeAccountId: 'acct_lateprovider' });
    expect(registered).toMatchObject({ status: 200, body: { data: { payoutsSent: 1 } } });
    expect(fake.transfers.filter((t) => t.metadata['bookingId'] === booking.id)).toEqual([
      expect.objectContaining({ amount: 8_850, destination: 'acct_lateprovider', transfer_group: booking.bookingNumber }),
    ]);
  }, 90_000);

  it('withholds the payout and refuses refunds while the charge is disputed, and pays only what a lost dispute leaves', async () => {
    const { provider, booking } = await confirmedBooking(36);
    const { paymentIntentId } = await paymentState(booking.id, (p) => p.payout?.status === 'awaiting_account');

    // Stripe's dispute object names the PaymentIntent, not our booking. Delivered twice under two event ids: one dispute.
    const dispute = { id: `dp_${randomUUID()}`, object: 'dispute', amount: 4_000, reason: 'product_not_received', status: 'needs_response', metadata: {} };
    const opened = { ...dispute, charge: 'ch_disputed', payment_intent: paymentIntentId };
    for (const event of [stripeEvent('charge.dispute.created', opened), stripeEvent('charge.dispute.created', opened)])
      expect((await sendStripeWebhook(platform.url('payment-svc'), event)).status).toBe(200);
    await paymentState(booking.id, (p) => p.payout?.status === 'withheld_dispute' && p.disputes?.[0]?.status === 'open');
    const audit = await waitFor(
      async () => {
        const trail = (await bookings('GET', `/internal/bookings/${booking.id}/events`, ADMIN)).body.data as any[];
        return trail.some((e) => e.eventType === 'payment_disputed') ? trail : undefined;
      },
      20_000,
      () => 'the dispute in the booking’s audit trail',
    );
    expect(audit.filter((e) => e.eventType === 'payment_disputed')).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ disputeId: dispute.id, amountCents: 4_000, needsAdmin: true }) }),
    ]);
    await waitFor(
      async () => /^booking_payment_disputes_open(\{[^}]*\})? [1-9]/m.test(await (await fetch(`${platform.url('payment-svc')}/metrics`)).text()),
      10_000,
      () => 'the open dispute in booking_payment_disputes_open',
    );

    // Registering the Connect account sends nothing while the dispute is open; a refund is refused with a clear code.
    const registered = await payments('PUT', `/internal/providers/${provider.id}/payout-account`, provider.actor, { stripeAccountId: 'acct_disputed1' });
    expect(registered).toMatchObject({ status: 200, body: { data: { payoutsSent: 0 } } });
    expect(fake.transfers.filter((t) => t.metadata['bookingId'] === booking.id)).toHaveLength(0);
    const refused = await payments(
      'POST',
      `/internal/payments/${booking.id}/refunds`,
      ADMIN,
      { reason: 'goodwill' },
      { 'x-idempotency-key': `refund-${randomUUID()}` },
    );
    expect(refused).toMatchObject({ status: 409, body: { success: false, error: { code: 'PAYMENT_DISPUTED', details: { disputeIds: [dispute.id] } } } });
    expect(fake.refunds.filter((r) => r.payment_intent === paymentIntentId)).toHaveLength(0);

    // Lost: 4,000 went back to the cardholder, so the provider is paid on the 6,000 left (less the 1,150 fee).
    const closed = stripeEvent('charge.dispute.closed', { ...opened, status: 'lost' });
    expect((await sendStripeWebhook(platform.url('payment-svc'), closed)).status).toBe(200);
    const paid = await paymentState(booking.id, (p) => p.payout?.status === 'sent');
    expect(paid.disputes).toEqual([expect.objectContaining({ disputeId: dispute.id, status: 'lost' })]);
    expect(fake.transfers.filter((t) => t.metadata['bookingId'] === booking.id)).toEqual([
      expect.objectContaining({ amount: 4_850, destination: 'acct_disputed1', transfer_group: booking.bookingNumber }),
    ]);
    const trail = (await bookings('GET', `/internal/bookings/${booking.id}/events`, ADMIN)).body.data as any[];
    expect(trail).toContainEqual(
      expect.objectContaining({ eventType: 'payment_dispute_closed', data: expect.objectContaining({ outcome: 'lost', needsAdmin: true }) }),
    );

    // The booking waits for an admin from the dispute on: listed, counted and alertable, until one acknowledges it.
    const flagged = (await bookings('GET', '/internal/bookings/needs-admin', ADMIN)).body.data as any[];
    expect(flagged.find((b) => b.id === booking.id)).toMatchObject({ needsAdmin: true, needsAdminReason: 'payment_disputed' });
    expect((await bookings('GET', '/internal/bookings/needs-admin', provider.actor)).status).toBe(403);
    const health = (await bookings('GET', '/internal/bookings/health', ADMIN)).body.data;
    expect(health.needsAdmin.count).toBeGreaterThanOrEqual(1);
    const acknowledged = await bookings('POST', `/internal/bookings/${booking.id}/acknowledge`, ADMIN, { note: 'dispute answered at Stripe, lost' });
    expect(acknowledged).toMatchObject({ status: 200, body: { data: { status: 'confirmed' } } });
    expect(acknowledged.body.data).not.toHaveProperty('needsAdmin');
    expect(((await bookings('GET', '/internal/bookings/needs-admin', ADMIN)).body.data as any[]).map((b) => b.id)).not.toContain(booking.id);
  }, 90_000);

  it('drops a refund Stripe refuses, says why, and lets a later refund through under a new key', async () => {
    const { booking } = await confirmedBooking(38);
    const { paymentIntentId } = await paymentState(booking.id, (p) => p.status === 'captured');

    // Stripe already knows of a dispute the webhook has not brought yet: it refuses the refund.
    fake.disputedIntents.add(paymentIntentId);
    const refundKeys = () =>
      fake.requests.filter((r) => r.path === '/v1/refunds' && r.idempotencyKey?.startsWith(`booking:${booking.id}:`)).map((r) => r.idempotencyKey);
    const refused = await payments(
      'POST',
      `/internal/payments/${booking.id}/refunds`,
      ADMIN,
      { amountCents: 2_000, reason: 'goodwill' },
      { 'x-idempotency-key': `refund-${randomUUID()}` },
    );
    expect(refused).toMatchObject({ status: 422, body: { error: { code: 'REFUND_REFUSED', details: { stripeCode: 'charge_disputed' } } } });
    const afterRefusal = await paymentState(booking.id, (p) => p.refusedRefunds?.length === 1);
    expect(afterRefusal).toMatchObject({
      status: 'captured',
      refundedCents: 0,
      refusedRefunds: [{ amountCents: 2_000, code: 'charge_disputed', initiatedBy: 'admin' }],
    });
    const metrics = await (await fetch(`${platform.url('payment-svc')}/metrics`)).text();
    expect(metrics).toMatch(/^booking_payment_refunds_refused_total\{[^}]*code="charge_disputed"[^}]*\} [1-9]/m);
    await paymentSweepsPassed(2); // a whole sweep since: the refused refund is not asked again
    expect(refundKeys()).toEqual([`booking:${booking.id}:refund-1:1`]);

    // The dispute is settled at Stripe: the next refund goes out under a new key and is recorded.
    fake.disputedIntents.delete(paymentIntentId);
    const accepted = await payments(
      'POST',
      `/internal/payments/${booking.id}/refunds`,
      ADMIN,
      { amountCents: 2_000, reason: 'goodwill' },
      { 'x-idempotency-key': `refund-${randomUUID()}` },
    );
    expect(accepted).toMatchObject({ status: 201, body: { data: { status: 'partial_refund', refundedCents: 2_000 } } });
    expect(refundKeys()).toEqual([`booking:${booking.id}:refund-1:1`, `booking:${booking.id}:refund-1:2`]);
  }, 90_000);

  it('expires a request whose card hold lapses within a day and releases the hold', async () => {
    const provider = await createProvider(platform.url('booking-svc'));
    const patient = newPatient();
    fake.holdLifetimeMs = 3 * 3_600_000; // this card's authorisation ends in 3 hours
    let booking: { id: string };
    try {
      const reservation = await bookings('POST', '/internal/reservations', patient, {
        providerId: provider.id,
        serviceId: 'svc-consult',
        startTime: slotStart(34).toISOString(),
      });
      booking = (await bookings('POST', '/internal/bookings', patient, { reservationId: reservation.body.data.id, patientTimezone: 'UTC' })).body.data;
      await waitFor(
        () => fake.intentsFor(booking.id).length > 0,
        20_000,
        () => 'the hold at Stripe',
      );
    } finally {
      fake.holdLifetimeMs = 7 * 86_400_000;
    }
    const expired = await bookingState(booking.id, patient, (b) => b.status === 'expired' && b.payment.status === 'cancelled');
    expect(expired.confirmation.responseType).toBe('expired');
    const trail = (await bookings('GET', `/internal/bookings/${booking.id}/events`, patient)).body.data.map((e: any) => [e.eventType, e.data?.reason]);
    expect(trail).toContainEqual(['expired', 'payment_hold_expiring']);
    expect(trail).toContainEqual(['payment_released', 'payment_hold_expiring']);
    const [intent] = fake.intentsFor(booking.id);
    expect(intent?.status).toBe('canceled');
    const payment = await paymentState(booking.id, (p) => p.status === 'cancelled');
    expect(payment.hold).toMatchObject({ expiringNotifiedAt: expect.any(String), cancelReason: 'payment_hold_expiring' });
  }, 90_000);
});
