import { randomUUID } from 'node:crypto';
import { devToken, subscribeSse, waitFor } from '@bp/testing';
import { createProvider, slotStart } from './support/internal-api.js';
import { SERVICE_NAMES, type TestPlatform, startPlatform } from './support/test-platform.js';

/**
 * The walking skeleton on the real infrastructure, all six services as real processes:
 * gateway → booking-svc (internal HTTP) → MongoDB document + outbox → Kafka → notification-svc
 * (an idempotent record) → gateway live stream → SSE subscriber.
 */
describe('walking skeleton: reserve a slot through every hop', () => {
  let platform: TestPlatform;
  let providerId: string;

  beforeAll(async () => {
    platform = await startPlatform(SERVICE_NAMES);
    providerId = (await createProvider(platform.url('booking-svc'))).id;
  }, 120_000);

  /** A 30-minute slot with the skeleton's provider, `hoursAhead` from now. */
  const slot = (hoursAhead: number) => {
    const start = slotStart(hoursAhead);
    return { providerId, serviceId: 'svc-consult', startTime: start.toISOString(), endTime: new Date(start.getTime() + 30 * 60_000).toISOString() };
  };

  afterAll(async () => {
    await platform?.stop();
  }, 60_000);

  async function reserveSlot(token: string, body: object, idempotencyKey: string = randomUUID(), extraHeaders: Record<string, string> = {}) {
    const response = await fetch(`${platform.url('gateway')}/api/bookings/reserve-slot`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-idempotency-key': idempotencyKey, ...extraHeaders },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      body: (await response.json()) as { success: boolean; data?: any; error?: { code: string }; meta: { requestId: string } },
    };
  }

  const jsonLines = (output: string) => output.split('\n').flatMap((line) => (line.startsWith('{') ? [JSON.parse(line) as Record<string, unknown>] : []));

  it('streams the reservation to its patient, and notification-svc records it once', async () => {
    const patientId = `patient-${randomUUID()}`;
    const patientToken = await devToken('patient', patientId);
    const patientStream = subscribeSse(`${platform.url('gateway')}/api/bookings/events`, { authorization: `Bearer ${patientToken}` });
    const strangerStream = subscribeSse(`${platform.url('gateway')}/api/bookings/events`, {
      authorization: `Bearer ${await devToken('patient', `patient-${randomUUID()}`)}`,
    });
    const providerStream = subscribeSse(`${platform.url('gateway')}/api/bookings/events`, {
      authorization: `Bearer ${await devToken('provider', providerId)}`,
    });
    await Promise.all([patientStream.opened, strangerStream.opened, providerStream.opened]);
    try {
      const { status, body } = await reserveSlot(patientToken, slot(72));

      expect(status).toBe(201);
      expect(body.success).toBe(true);
      const reservationId: string = body.data.id;
      expect(body.data).toMatchObject({ patientId, providerId, status: 'active' });

      const streamed = await waitFor(
        () => patientStream.events.find((e) => e.event === 'booking-update' && JSON.parse(e.data).aggregateId === reservationId),
        20_000,
        () => 'the SSE update',
      );
      const update = JSON.parse(streamed.data);
      expect(update).toMatchObject({ type: 'SlotReserved', patientId, providerId, payload: { reservationId, patientId, providerId } });
      await waitFor(
        () => providerStream.events.some((e) => e.data.includes(reservationId)),
        10_000,
        () => 'the provider’s SSE update',
      );

      const notifications = platform.mongo.db(platform.database('notification-svc')).collection('activity');
      const timers = platform.mongo.db(platform.database('scheduler-svc')).collection('timers');
      await waitFor(
        async () => (await notifications.countDocuments({ subjectId: reservationId })) > 0,
        20_000,
        () => 'the notification record',
      );
      expect(await notifications.find({ subjectId: reservationId }).toArray()).toEqual([
        expect.objectContaining({ eventId: update.id, recipientId: patientId, kind: 'slot_reserved' }),
      ]);
      // A reservation lapses by itself in booking-svc: scheduler-svc keeps no timer for it (docs/scheduler.md).
      expect(await timers.countDocuments({ subjectId: reservationId })).toBe(0);

      // Published, so its outbox is cleared: by the reservation's next write, or by the relay within OUTBOX_CLEAR_DELAY_MS.
      const storedReservation = () =>
        platform.mongo
          .db(platform.database('booking-svc'))
          .collection('slot_reservations')
          .findOne({ _id: reservationId as never });
      await waitFor(
        async () => (await storedReservation())?.['outbox']?.length === 0,
        10_000,
        () => 'the reservation’s outbox cleared',
      );
      const reservation = await storedReservation();
      expect(reservation).toMatchObject({ patientId, providerId, outbox: [] });
      expect(reservation).not.toHaveProperty('outboxPendingSince');
      expect(reservation).not.toHaveProperty('outboxPending');
      // Another patient's stream never carries it.
      expect(strangerStream.events.some((e) => e.data.includes(reservationId))).toBe(false);
    } finally {
      patientStream.close();
      strangerStream.close();
      providerStream.close();
    }
  }, 60_000);

  it('answers a retry with the same idempotency key with the same reservation', async () => {
    const patientToken = await devToken('patient', `patient-${randomUUID()}`);
    const wanted = slot(96);
    const key = `retry-${randomUUID()}`;
    const first = await reserveSlot(patientToken, wanted, key);
    const second = await reserveSlot(patientToken, wanted, key);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.data.id).toBe(first.body.data.id);
  });

  it('rejects what a patient may not do with a stable error code', async () => {
    const wanted = slot(120);
    const noToken = await fetch(`${platform.url('gateway')}/api/bookings/reserve-slot`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-idempotency-key': randomUUID() },
      body: JSON.stringify(wanted),
    });
    expect(noToken.status).toBe(401);
    expect(((await noToken.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');

    const asProvider = await reserveSlot(await devToken('provider', providerId), wanted);
    expect(asProvider.status).toBe(403);

    const backwards = await reserveSlot(await devToken('patient', `patient-${randomUUID()}`), {
      ...wanted,
      endTime: new Date(Date.parse(wanted.startTime) - 3_600_000).toISOString(),
    });
    expect(backwards.status).toBe(422);
    expect(backwards.body.error?.code).toBe('INVALID_TIME_RANGE');
  });

  it('carries the request id through structured logs of every hop and into the event', async () => {
    const requestId = `req-${randomUUID()}`;
    const patientId = `patient-${randomUUID()}`;
    // The caller's trace (W3C traceparent, not sampled): continued by every hop, though nothing is exported here.
    const traceId = randomUUID().replaceAll('-', '');
    const traceparent = `00-${traceId}-${randomUUID().replaceAll('-', '').slice(0, 16)}-00`;
    const { status, body } = await reserveSlot(await devToken('patient', patientId), slot(144), randomUUID(), { 'x-request-id': requestId, traceparent });
    expect(status).toBe(201);
    expect(body.meta.requestId).toBe(requestId);
    const bookingLine = await waitFor(
      () => jsonLines(platform.services['booking-svc']!.output()).find((l) => l['requestId'] === requestId),
      10_000,
      () => 'booking-svc log line',
    );
    expect(bookingLine['traceId']).toBe(traceId);
    // The gateway writes its request line when the response has gone out, so it may come a moment later.
    const gatewayLine = await waitFor(
      () => jsonLines(platform.services.gateway!.output()).find((l) => l['requestId'] === requestId),
      10_000,
      () => 'gateway log line',
    );
    expect(gatewayLine).toMatchObject({ level: expect.any(Number), time: expect.any(Number), traceId });
    // The event's correlation id is the request id, so consumers log under it too.
    const notifications = platform.mongo.db(platform.database('notification-svc')).collection('activity');
    await waitFor(
      async () => (await notifications.countDocuments({ recipientId: patientId })) === 1,
      20_000,
      () => 'the notification record',
    );
    const notificationLine = await waitFor(
      () => jsonLines(platform.services['notification-svc']!.output()).find((l) => l['requestId'] === requestId),
      10_000,
      () => 'notification-svc log line',
    );
    expect(notificationLine['traceId']).toBe(traceId); // through the Kafka message's traceparent
    // Bearer tokens never reach the logs.
    expect(platform.services.gateway!.output()).not.toMatch(/Bearer ey/);
  }, 40_000);

  it('exposes default and HTTP request metrics', async () => {
    const gatewayMetrics = await (await fetch(`${platform.url('gateway')}/metrics`)).text();
    expect(gatewayMetrics).toMatch(/^process_cpu_user_seconds_total\{[^}]*\} \d/m);
    expect(gatewayMetrics).toMatch(/^http_server_request_duration_seconds_bucket\{[^}]*route="\/api\/bookings\/reserve-slot"[^}]*status_code="201"/m);
    const bookingMetrics = await (await fetch(`${platform.url('booking-svc')}/metrics`)).text();
    expect(bookingMetrics).toMatch(/^outbox_events_published_total\{[^}]*collection="slot_reservations"[^}]*\} [1-9]/m);
  });

  it('stops every service cleanly on SIGTERM, ending open live streams', async () => {
    const stream = subscribeSse(`${platform.url('gateway')}/api/bookings/events`, { authorization: `Bearer ${await devToken('admin', 'admin-1')}` });
    await stream.opened;
    const codes = await Promise.all(Object.values(platform.services).map((service) => service.stop('SIGTERM')));
    expect(codes).toEqual(SERVICE_NAMES.map(() => 0));
    stream.close();
  }, 60_000);
});
