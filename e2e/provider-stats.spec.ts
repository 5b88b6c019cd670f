import { randomUUID } from 'node:crypto';
import { type MessageType, type PayloadOf, Topics } from '@bp/contracts';
import { holdPlaced, type ProbedRecord, probeTopic, publish, testKafka, waitFor } from '@bp/testing';
import { type TestActor, createProvider, internalCall, slotStart } from './support/internal-api.js';
import { type TestPlatform, startPlatform } from './support/test-platform.js';

/**
 * Provider statistics and trust score on booking-svc as a real process: its own BookingStatusChanged
 * events, consumed back, keep the provider's bookingStats and trustScore up to date. Payment-svc's
 * messages are sent here directly, as in bookings.spec.ts.
 */
describe('provider statistics and trust score', () => {
  let platform: TestPlatform;
  let provider: { id: string; actor: TestActor };
  let bookingEvents: { records: ProbedRecord[]; stop: () => Promise<void> };
  const kafka = testKafka();
  const producer = kafka.producer();
  const admin: TestActor = { type: 'admin', id: 'stats-admin' };

  beforeAll(async () => {
    platform = await startPlatform(['booking-svc'], { portOffset: 80 });
    provider = await createProvider(platform.url('booking-svc'));
    bookingEvents = await probeTopic(Topics.bookingEvents, kafka);
    await producer.connect();
  }, 120_000);

  afterAll(async () => {
    await producer.disconnect();
    await bookingEvents?.stop();
    await platform?.stop();
  }, 60_000);

  const api = <T = any>(method: string, path: string, actor: TestActor, body?: unknown) =>
    internalCall<T>(platform.url('booking-svc'), method, path, actor, body);
  const newPatient = (): TestActor => ({ type: 'patient', id: `patient-${randomUUID()}` });
  const providerView = async () => (await api('GET', `/internal/providers/${provider.id}`, admin)).body.data;

  const sendPaymentEvent = <M extends MessageType<'payment.events.v1'>>(type: M, payload: PayloadOf<'payment.events.v1', M> & { bookingId: string }) =>
    publish(producer, Topics.paymentEvents, type, payload, payload.bookingId);

  const until = (bookingId: string, actor: TestActor, status: string) =>
    waitFor(
      async () => (await api('GET', `/internal/bookings/${bookingId}`, actor)).body.data?.status === status,
      15_000,
      () => `booking ${bookingId} to be ${status}`,
    );

  /** A request booking waiting for the provider's answer (reserved, booked, card hold in place). */
  async function pendingRequest(hoursAhead: number) {
    const patient = newPatient();
    const reservation = await api('POST', '/internal/reservations', patient, {
      providerId: provider.id,
      serviceId: 'svc-consult',
      startTime: slotStart(hoursAhead).toISOString(),
    });
    expect(reservation.status).toBe(201);
    const booking = (await api('POST', '/internal/bookings', patient, { reservationId: reservation.body.data.id, patientTimezone: 'Europe/Berlin' })).body.data;
    expect(booking.bookingType).toBe('request');
    await holdPlaced(producer, booking.id, `pi_${booking.id}`);
    await until(booking.id, patient, 'pending_confirmation');
    return { booking, patient };
  }

  it('counts a confirmed and a declined request: two requests, one confirmed, 50 %, a response time and a trust score', async () => {
    const fresh = await providerView();
    expect(fresh.stats).toMatchObject({ totalRequests: 0, totalConfirmed: 0 });
    expect(fresh.trustScore).toEqual({ score: 100, factors: null, lastCalculatedAt: null });

    const accepted = await pendingRequest(30);
    const refused = await pendingRequest(31);
    expect((await api('POST', `/internal/bookings/${accepted.booking.id}/confirm`, provider.actor)).status).toBe(200);
    expect((await api('POST', `/internal/bookings/${refused.booking.id}/decline`, provider.actor, { reason: 'fully booked' })).status).toBe(200);
    // The capture that follows a request's confirmation is not a second confirmation.
    await sendPaymentEvent('PaymentCaptured', { bookingId: accepted.booking.id, paymentIntentId: `pi_${accepted.booking.id}`, amountCents: 10_000 });
    await until(accepted.booking.id, accepted.patient, 'confirmed');

    const view = await waitFor(
      async () => {
        const current = await providerView();
        return current.stats.totalResponded === 2 && current.stats.totalRequests === 2 ? current : undefined;
      },
      20_000,
      () => 'both answers counted in the provider stats',
    );
    // Give the capture's event time to be (not) counted before reading the totals.
    await waitFor(
      () => bookingEvents.records.some((r) => r.value?.includes(`"bookingId":"${accepted.booking.id}"`) && r.value.includes('"reason":"payment_captured"')),
      15_000,
      () => 'the capture event',
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const settled = await providerView();
    expect(settled.stats).toEqual(view.stats);

    expect(view.stats).toMatchObject({ totalRequests: 2, totalConfirmed: 1, totalExpired: 0, totalCancelled: 0, confirmationRate: 50, responseTimeSamples: 2 });
    expect(view.stats.avgResponseTimeMinutes).toEqual(expect.any(Number));
    expect(view.stats.avgResponseTimeMinutes).toBeGreaterThanOrEqual(0);
    expect(view.stats.medianResponseTimeMinutes).toEqual(expect.any(Number));
    expect(view.stats.recentResponseMinutes).toBeUndefined(); // bookkeeping, not shown
    expect(view.trustScore.score).toBeGreaterThanOrEqual(0);
    expect(view.trustScore.score).toBeLessThanOrEqual(100);
    expect(view.trustScore.factors).toMatchObject({
      responseRate: { weight: 30, value: 100 },
      completionRate: { weight: 25 },
      noShowRate: { weight: 20 },
      reviewScore: { weight: 15 },
      accountAge: { weight: 10 },
    });
    expect(view.version).toBe(fresh.version); // stats writes leave the profile's version alone

    const profile = (await api('GET', `/internal/providers/${provider.id}/profile`, newPatient())).body.data;
    expect(profile.responseTime).toEqual({ summary: 'Usually responds within 1 hour', avgResponseTimeMinutes: view.stats.avgResponseTimeMinutes });
  }, 90_000);

  it('does not count an event twice when it is handled again after its inbox record was lost', async () => {
    const before = (await providerView()).stats;
    const declined = await waitFor(
      () => bookingEvents.records.find((r) => r.value?.includes(`"providerId":"${provider.id}"`) && r.value.includes('"reason":"declined"')),
      15_000,
      () => 'the declined event',
    );
    const envelope = JSON.parse(declined.value!);
    const inbox = platform.mongo.db(platform.database('booking-svc')).collection<{ _id: string }>('inbox');
    const record = `${platform.group('booking-svc')}:${envelope.eventId}`;
    // A crash between the stats write and the inbox record: the inbox no longer knows the event, nor does
    // the restarted process, and the event is delivered again.
    expect((await inbox.deleteOne({ _id: record })).deletedCount).toBe(1);
    await platform.restart('booking-svc');
    await producer.send({ topic: Topics.bookingEvents, messages: [{ key: declined.key, value: declined.value! }] });
    await waitFor(
      async () => (await inbox.countDocuments({ _id: record })) > 0,
      30_000,
      () => 'the redelivered event handled',
    );
    expect((await providerView()).stats).toEqual(before);
  }, 120_000);
});
