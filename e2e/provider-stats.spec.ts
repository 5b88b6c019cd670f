import { randomUUID } from 'node:crypto';
import type { RecordMetadata } from 'kafkajs';
import { type MessageType, type PayloadOf, Topics } from '@bp/contracts';
import { buildMessage } from '@bp/messaging';
import { type TopicProbe, holdPlaced, probeTopic, publish, publishMessages, testKafka, waitFor } from '@bp/testing';
import { type TestActor, createProvider, internalCall, slotStart } from './support/internal-api.js';
import { type TestPlatform, startPlatform } from './support/test-platform.js';
import { FIRST_DAY_TRUST_SCORE } from './support/trust-score.js';

/**
 * Provider statistics and trust score on booking-svc as a real process: its own BookingStatusChanged
 * events, consumed back, keep the provider's bookingStats and trustScore up to date. Payment-svc's
 * messages are sent here directly, as in bookings.spec.ts.
 */
describe('provider statistics and trust score', () => {
  let platform: TestPlatform;
  let provider: { id: string; actor: TestActor };
  let bookingEvents: TopicProbe;
  const kafka = testKafka();
  const producer = kafka.producer();
  const kafkaAdmin = kafka.admin();
  const admin: TestActor = { type: 'admin', id: 'stats-admin' };

  beforeAll(async () => {
    platform = await startPlatform(['booking-svc'], { portOffset: 80 });
    provider = await createProvider(platform.url('booking-svc'));
    bookingEvents = await probeTopic(Topics.bookingEvents, kafka);
    await producer.connect();
    await kafkaAdmin.connect();
  }, 120_000);

  afterAll(async () => {
    await kafkaAdmin.disconnect();
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

  /** The payload of booking-svc's event with this reason for a booking, once probed. */
  const eventOf = (bookingId: string, reason: string) => {
    const record = bookingEvents.records.find((r) => r.value?.includes(`"bookingId":"${bookingId}"`) && r.value.includes(`"reason":"${reason}"`));
    return record ? JSON.parse(record.value!).payload : undefined;
  };

  /**
   * Resolves once booking-svc's group has finished the message just written (`sent`): its committed
   * offset on that partition is past it. (Not its inbox record: a message that changes nothing leaves none.)
   */
  async function finished([sent]: RecordMetadata[], what: string, timeoutMs = 15_000) {
    const offset = BigInt(sent!.baseOffset!);
    await waitFor(
      async () => {
        const [topic] = await kafkaAdmin.fetchOffsets({ groupId: platform.group('booking-svc'), topics: [sent!.topicName] });
        const committed = topic?.partitions.find((p) => p.partition === sent!.partition)?.offset;
        return committed !== undefined && BigInt(committed) > offset;
      },
      timeoutMs,
      () => what,
    );
  }

  /**
   * Resolves once booking-svc has handled every event already on the booking's key: a marker event
   * that counts for nothing, sent on the same key (same partition, handled in order), is finished.
   */
  async function handledAfter(bookingId: string) {
    const captured = eventOf(bookingId, 'payment_captured');
    const marker = buildMessage(Topics.bookingEvents, 'BookingStatusChanged', { ...captured, reason: 'status_changed' }, { id: bookingId, version: 1_000 });
    await finished(await publishMessages(producer, [marker]), 'the marker handled');
  }

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
    // The capture's event is not a second confirmation: once it and a marker after it on the same key are handled, the totals still stand.
    await waitFor(
      () => eventOf(accepted.booking.id, 'payment_captured'),
      15_000,
      () => 'the capture event',
    );
    await handledAfter(accepted.booking.id);
    const settled = await providerView();
    expect(settled.stats).toEqual(view.stats);

    expect(view.stats).toMatchObject({ totalRequests: 2, totalConfirmed: 1, totalExpired: 0, totalCancelled: 0, confirmationRate: 50, responseTimeSamples: 2 });
    // Each answer's response time, from the times its event carries: the mean and (of two) the median are exact.
    const answers = await waitFor(
      () => {
        const both = [eventOf(accepted.booking.id, 'confirmed'), eventOf(refused.booking.id, 'declined')];
        return both.every(Boolean) ? both : undefined;
      },
      15_000,
      () => 'the two answers probed',
    );
    const minutes = answers.map((event) => (Date.parse(event.respondedAt) - Date.parse(event.requestedAt)) / 60_000);
    expect(minutes.every((m) => m > 0 && m < 1)).toBe(true); // answered within the test, after the hold
    expect(view.stats.avgResponseTimeMinutes).toBeCloseTo((minutes[0]! + minutes[1]!) / 2, 9);
    expect(view.stats.medianResponseTimeMinutes).toBeCloseTo((minutes[0]! + minutes[1]!) / 2, 9);
    expect(view.stats.recentResponseMinutes).toBeUndefined(); // bookkeeping, not shown
    // A provider minutes old who answered every request: full marks but for the account's age (0 of 10).
    expect(view.trustScore).toMatchObject(FIRST_DAY_TRUST_SCORE);
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
    const sent = await producer.send({ topic: Topics.bookingEvents, messages: [{ key: declined.key, value: declined.value! }] });
    await finished(sent, 'the redelivered event handled', 30_000);
    expect((await providerView()).stats).toEqual(before);
    expect(await inbox.countDocuments({ _id: record })).toBe(0); // counted before: it changed nothing, so nothing is recorded
  }, 120_000);
});
