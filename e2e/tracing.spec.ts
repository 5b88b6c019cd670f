import { randomBytes, randomUUID } from 'node:crypto';
import { devToken, waitFor } from '@bp/testing';
import { createProvider, slotStart } from './support/internal-api.js';
import { type OtlpReceiver, type ReceivedSpan, SpanKinds, startOtlpReceiver } from './support/otlp-receiver.js';
import { type ServiceName, type TestPlatform, startPlatform } from './support/test-platform.js';

const SERVICES = ['gateway', 'booking-svc', 'notification-svc', 'scheduler-svc'] as const satisfies readonly ServiceName[];
const BOOKING_EVENTS = 'booking.events.v1';

/**
 * One trace per flow, across real processes: a public API call through the gateway, booking-svc's
 * write with its outbox, the relay's publish and every consumer of the event, exported over OTLP/HTTP
 * to a receiver this test runs.
 */
describe('tracing: one trace from the gateway to every consumer', () => {
  let receiver: OtlpReceiver;
  let platform: TestPlatform;
  let providerId: string;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '100' };
    platform = await startPlatform(SERVICES, { portOffset: 340, env: Object.fromEntries(SERVICES.map((name) => [name, otel])) });
    providerId = (await createProvider(platform.url('booking-svc'))).id;
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    await receiver?.stop();
  }, 60_000);

  it('joins the caller’s trace in the gateway, booking-svc, the Kafka publish and its consumers (notification-svc handles it, scheduler-svc skips it)', async () => {
    // The caller's own span: the gateway continues its trace (W3C traceparent).
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const patientId = `patient-${randomUUID()}`;
    const start = slotStart(50);
    const response = await fetch(`${platform.url('gateway')}/api/bookings/reserve-slot`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await devToken('patient', patientId)}`,
        'content-type': 'application/json',
        'x-idempotency-key': randomUUID(),
        traceparent: `00-${traceId}-${callerSpanId}-01`,
      },
      body: JSON.stringify({
        providerId,
        serviceId: 'svc-consult',
        startTime: start.toISOString(),
        endTime: new Date(start.getTime() + 30 * 60_000).toISOString(),
      }),
    });
    expect(response.status).toBe(201);
    const reservationId = ((await response.json()) as { data: { id: string } }).data.id;

    const inTrace = () => receiver.spans.filter((span) => span.traceId === traceId);
    const find = (service: string, kind: number, name?: string) =>
      inTrace().find((span) => span.service === service && span.kind === kind && (name === undefined || span.name === name));
    const consumer = (service: string, publish: ReceivedSpan) =>
      inTrace().find((span) => span.service === service && span.kind === SpanKinds.consumer && span.parentSpanId === publish.spanId);

    const gateway = await waitFor(
      () => find('gateway', SpanKinds.server),
      20_000,
      () => 'the gateway’s server span',
    );
    expect(gateway.parentSpanId).toBe(callerSpanId);
    // Server spans are named by the matched route, not just the method.
    expect(gateway).toMatchObject({
      name: 'POST /api/bookings/reserve-slot',
      attributes: expect.objectContaining({ 'http.route': '/api/bookings/reserve-slot' }),
    });
    const booking = await waitFor(
      () => find('booking-svc', SpanKinds.server),
      20_000,
      () => 'booking-svc’s server span',
    );
    // The gateway's call to booking-svc is a client span of the gateway's request; booking-svc's server span is its child.
    const call = inTrace().find((span) => span.service === 'gateway' && span.kind === SpanKinds.client && span.spanId === booking.parentSpanId);
    expect(call).toMatchObject({
      parentSpanId: gateway.spanId,
      attributes: expect.objectContaining({ 'http.request.method': 'POST', 'url.full': `${platform.url('booking-svc')}/internal/reservations` }),
    });
    expect(booking.name).toBe('POST /internal/reservations');

    const publish = await waitFor(
      () => find('booking-svc', SpanKinds.producer, `send ${BOOKING_EVENTS}`),
      20_000,
      () => 'the SlotReserved publish span',
    );
    expect(publish.attributes).toMatchObject({
      'messaging.destination.name': BOOKING_EVENTS,
      'messaging.kafka.message.key': reservationId,
      'bp.message.type': 'SlotReserved',
    });
    const scheduler = await waitFor(
      () => consumer('scheduler-svc', publish),
      30_000,
      () => 'scheduler-svc’s consumer span',
    );
    const notification = await waitFor(
      () => consumer('notification-svc', publish),
      30_000,
      () => 'notification-svc’s consumer span',
    );
    expect(scheduler.name).toBe(`process ${BOOKING_EVENTS}`);
    expect(notification.name).toBe(`process ${BOOKING_EVENTS}`);

    // The consumers' database work runs inside their consumer spans, as does booking-svc's inside its request
    // (scheduler-svc has no handler for SlotReserved: its span records the message, skipped unread).
    for (const [service, parent] of [
      ['booking-svc', booking],
      ['notification-svc', notification],
    ] as const) {
      await waitFor(
        () => inTrace().some((span) => span.service === service && span.attributes['db.system.name'] !== undefined && descendsFrom(span, parent)),
        20_000,
        () => `a MongoDB span of ${service} under its ${parent.name} span`,
      );
    }

    // One connected tree: every span's parent is the caller's span or another span of the trace.
    const ids = new Set([callerSpanId, ...inTrace().map((span) => span.spanId)]);
    expect(inTrace().filter((span) => !ids.has(span.parentSpanId ?? ''))).toEqual([]);

    // Logs carry the trace id: notification-svc's line for the message it handled.
    const logged = await waitFor(
      () =>
        platform.services['notification-svc']!.output()
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as Record<string, unknown>)
          .find((line) => line['message'] === 'message handled' && line['type'] === 'SlotReserved' && line['traceId'] === traceId),
      10_000,
      () => 'notification-svc’s log line with the trace id',
    );
    expect(logged['spanId']).toBe(notification.spanId);
  }, 90_000);

  /** Whether `span` is `ancestor` or below it, by the parent links received so far. */
  function descendsFrom(span: ReceivedSpan, ancestor: ReceivedSpan): boolean {
    const byId = new Map(receiver.spans.map((s) => [s.spanId, s]));
    for (let current: ReceivedSpan | undefined = span; current; current = byId.get(current.parentSpanId ?? '')) {
      if (current.spanId === ancestor.spanId) return true;
    }
    return false;
  }
});
