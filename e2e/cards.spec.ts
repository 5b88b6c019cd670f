import { randomUUID } from 'node:crypto';
import { StripeFake, devToken, waitFor } from '@bp/testing';
import { ROUND_THE_CLOCK, slotStart } from './support/internal-api.js';
import { sendStripeWebhook, stripeEvent } from './support/stripe-webhooks.js';
import { invariantFindings } from './support/invariants.js';
import { type TestPlatform, startPlatform } from './support/test-platform.js';

const ACTION_WINDOW_SECONDS = 10;

/**
 * Real cards through the public API (docs/payments.md, "Cards"): a Stripe Customer per patient, cards
 * saved with a SetupIntent, listed, chosen and removed; a booking paid with the card it names; a
 * decline explained and retried with another card; 3-D Secure completed, failed, or left undone.
 * The gateway, booking-svc, payment-svc and scheduler-svc on the stateful Stripe fake.
 */
describe('paying with the patient’s own cards', () => {
  const fake = new StripeFake();
  let platform: TestPlatform;
  let stripeBase: string;
  let adminToken: string;
  const providerId = `provider-cards-${randomUUID()}`;

  beforeAll(async () => {
    stripeBase = await fake.start();
    platform = await startPlatform(['gateway', 'booking-svc', 'payment-svc', 'scheduler-svc'], {
      portOffset: 560,
      env: {
        'booking-svc': { PAYMENT_ACTION_WINDOW_SECONDS: String(ACTION_WINDOW_SECONDS) },
        // No test card: a booking pays with the patient's own card or not at all.
        'payment-svc': { STRIPE_API_BASE: stripeBase, STRIPE_TEST_PAYMENT_METHOD: '' },
      },
    });
    adminToken = await devToken('admin', `admin-${randomUUID()}`);
    const created = await call('PUT', `/api/providers/${providerId}`, adminToken, {
      displayName: 'Cards Clinic',
      timezone: 'America/Denver',
      services: [{ id: 'svc-consult', name: 'Consultation', category: 'general', durationMinutes: 30, priceCents: 10_000 }],
      weeklyHours: ROUND_THE_CLOCK,
      overrides: [],
      settings: { minimumNoticeHours: 1, bufferMinutes: 15 },
    });
    expect(created.status).toBe(201);
  }, 180_000);

  afterEach(async () => {
    const findings = await invariantFindings(platform, stripeBase);
    expect(findings).toEqual({ violations: [], deferredCaptures: [] });
  }, 30_000);

  afterAll(async () => {
    await platform?.stop();
    await fake.stop();
  }, 60_000);

  async function call(method: string, path: string, token: string, body?: unknown) {
    const response = await fetch(`${platform.url('gateway')}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'x-client-version': '9.9.9',
        ...(method === 'GET' ? {} : { 'x-idempotency-key': `k-${randomUUID()}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json().catch(() => null)) as any };
  }

  async function newPatient() {
    const id = `patient-${randomUUID()}`;
    const token = await devToken('patient', id);
    const setup = await call('POST', '/api/payments/cards/setup-intent', token);
    expect(setup).toMatchObject({ status: 201, body: { data: { clientSecret: expect.stringMatching(/^seti_.+_secret_/), customerId: expect.any(String) } } });
    return { id, token, customerId: setup.body.data.customerId as string };
  }

  async function book(token: string, hoursAhead: number, paymentMethodId?: string): Promise<string> {
    const reservation = await call('POST', '/api/bookings/reserve-slot', token, {
      providerId,
      serviceId: 'svc-consult',
      startTime: slotStart(hoursAhead).toISOString(),
    });
    expect(reservation.status).toBe(201);
    const booking = await call('POST', '/api/bookings', token, {
      reservationId: reservation.body.data.id,
      patientTimezone: 'UTC',
      ...(paymentMethodId ? { paymentMethodId } : {}),
    });
    expect(booking.status).toBe(201);
    return booking.body.data.id;
  }

  const bookingState = (id: string, token: string, check: (booking: any) => boolean, timeoutMs = 20_000) =>
    waitFor(
      async () => {
        const booking = (await call('GET', `/api/bookings/${id}`, token)).body?.data;
        return booking && check(booking) ? booking : undefined;
      },
      timeoutMs,
      () => `booking ${id} in the expected state`,
    );

  it('keeps one Stripe customer per patient and lets them list, choose and remove their saved cards', async () => {
    const patient = await newPatient();
    const again = await call('POST', '/api/payments/cards/setup-intent', patient.token);
    expect(again.body.data.customerId).toBe(patient.customerId);
    expect([...fake.customers.values()].filter((c) => c.metadata['patientId'] === patient.id)).toHaveLength(1);

    const first = fake.saveCard(patient.customerId, { last4: '4242' });
    const second = fake.saveCard(patient.customerId, { last4: '1881', brand: 'mastercard' });
    const listed = await call('GET', '/api/payments/cards', patient.token);
    expect(listed.body.data).toEqual([
      { paymentMethodId: second, brand: 'mastercard', last4: '1881', expMonth: 12, expYear: 2034, isDefault: true },
      { paymentMethodId: first, brand: 'visa', last4: '4242', expMonth: 12, expYear: 2034, isDefault: false },
    ]);
    const chosen = await call('PUT', '/api/payments/cards/default', patient.token, { paymentMethodId: first });
    expect(chosen.body.data.find((c: any) => c.isDefault).paymentMethodId).toBe(first);
    const removed = await call('DELETE', `/api/payments/cards/${first}`, patient.token);
    expect(removed.body.data.map((c: any) => [c.paymentMethodId, c.isDefault])).toEqual([[second, true]]);

    // Another patient's card is nobody else's to use, choose or remove; providers have no cards.
    const stranger = await newPatient();
    expect(await call('PUT', '/api/payments/cards/default', stranger.token, { paymentMethodId: second })).toMatchObject({
      status: 404,
      body: { error: { code: 'CARD_NOT_FOUND' } },
    });
    expect((await call('DELETE', `/api/payments/cards/${second}`, stranger.token)).status).toBe(404);
    expect((await call('GET', '/api/payments/cards', await devToken('provider', providerId))).status).toBe(403);
    expect(await call('PUT', '/api/payments/cards/default', patient.token, { paymentMethodId: 'not-a-card' })).toMatchObject({
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED' } },
    });
  });

  it('holds the card the booking names, on the patient’s customer, and refuses someone else’s card with a clear message', async () => {
    const patient = await newPatient();
    const card = fake.saveCard(patient.customerId);
    const id = await book(patient.token, 30, card);
    const held = await bookingState(id, patient.token, (b) => b.status === 'pending_confirmation');
    expect(fake.intents.get(held.payment.paymentIntentId)).toMatchObject({ customer: patient.customerId, payment_method: card, status: 'requires_capture' });

    const other = await newPatient();
    const stolen = await book(other.token, 31, card);
    const failed = await bookingState(stolen, other.token, (b) => b.status === 'payment_failed');
    expect(failed.payment.failure).toEqual({ code: 'card_not_found', message: 'That card is not among your saved cards. Choose one of your cards.' });
    expect(fake.intentsFor(stolen)).toEqual([]);
    expect((await call('POST', `/api/bookings/${stolen}/cancel`, other.token, {})).status).toBe(200);
  });

  it('explains a declined card and lets the patient pay again with another one', async () => {
    const patient = await newPatient();
    fake.saveCard(patient.customerId, { behaves: 'declines' }); // the newest: the default
    const id = await book(patient.token, 32);
    const failed = await bookingState(id, patient.token, (b) => b.status === 'payment_failed');
    expect(failed.payment.failure).toEqual({ code: 'generic_decline', message: 'Your card was declined. Contact your bank or use another card.' });

    const better = fake.saveCard(patient.customerId, { last4: '0005' });
    expect((await call('POST', `/api/bookings/${id}/retry-payment`, patient.token, { paymentMethodId: better })).status).toBe(200);
    const held = await bookingState(id, patient.token, (b) => b.status === 'pending_confirmation');
    expect(fake.intents.get(held.payment.paymentIntentId)).toMatchObject({ payment_method: better, status: 'requires_capture' });
    expect(held.payment).not.toHaveProperty('failure');
  });

  it('waits for 3-D Secure with the client secret for the patient only, and moves on when Stripe reports it done', async () => {
    const patient = await newPatient();
    fake.saveCard(patient.customerId, { behaves: 'requires_authentication' });
    const id = await book(patient.token, 33);
    const waiting = await bookingState(id, patient.token, (b) => b.payment.status === 'requires_action');
    expect(waiting).toMatchObject({
      status: 'pending_payment',
      payment: { action: { clientSecret: expect.stringMatching(/_secret_/), expiresAt: expect.any(String) } },
    });
    const intent = fake.intents.get(waiting.payment.paymentIntentId)!;
    expect(waiting.payment.action.clientSecret).toBe(intent.client_secret);
    const seenByProvider = (await call('GET', `/api/bookings/${id}`, await devToken('provider', providerId))).body.data;
    expect(seenByProvider.payment.action).toEqual({ expiresAt: waiting.payment.action.expiresAt });

    const authenticated = fake.authenticate(intent.id, true);
    expect((await sendStripeWebhook(platform.url('payment-svc'), stripeEvent('payment_intent.amount_capturable_updated', authenticated))).status).toBe(200);
    const held = await bookingState(id, patient.token, (b) => b.status === 'pending_confirmation');
    expect(held.payment).toMatchObject({ status: 'held', paymentIntentId: intent.id });
    expect(held.payment).not.toHaveProperty('action');
  });

  it('fails cleanly when authentication fails, and expires the booking (slot freed, intent cancelled) when it is never completed', async () => {
    const patient = await newPatient();
    fake.saveCard(patient.customerId, { behaves: 'requires_authentication' });
    const failing = await book(patient.token, 34);
    const waiting = await bookingState(failing, patient.token, (b) => b.payment.status === 'requires_action');
    const refused = fake.authenticate(waiting.payment.paymentIntentId, false);
    await sendStripeWebhook(platform.url('payment-svc'), stripeEvent('payment_intent.payment_failed', refused));
    const failed = await bookingState(failing, patient.token, (b) => b.status === 'payment_failed');
    expect(failed.payment.failure.code).toBe('payment_intent_authentication_failure');
    expect((await call('POST', `/api/bookings/${failing}/cancel`, patient.token, {})).status).toBe(200);

    const abandoned = await book(patient.token, 35);
    const pending = await bookingState(abandoned, patient.token, (b) => b.payment.status === 'requires_action');
    const expired = await bookingState(abandoned, patient.token, (b) => b.status === 'expired', (ACTION_WINDOW_SECONDS + 25) * 1000);
    expect(expired.payment).not.toHaveProperty('action');
    await waitFor(
      async () => fake.intents.get(pending.payment.paymentIntentId)?.status === 'canceled',
      10_000,
      () => 'the intent to be cancelled',
    );
    const other = await newPatient();
    fake.saveCard(other.customerId);
    await book(other.token, 35); // the slot is free again
  }, 60_000);
});
