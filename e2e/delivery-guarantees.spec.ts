import { randomUUID } from 'node:crypto';
import { MessageHeaders, Topics } from '@bp/contracts';
import { type OutgoingMessage, buildMessage } from '@bp/messaging';
import { outboxOnInsert } from '@bp/outbox';
import { probeTopic, testKafka, uniqueSuffix, waitFor } from '@bp/testing';
import { type TestPlatform, startPlatform } from './support/test-platform.js';

function slotReserved(reservationId: string, patientId = `patient-${randomUUID()}`): OutgoingMessage {
  const start = new Date(Date.now() + 48 * 3600_000);
  return buildMessage(
    Topics.bookingEvents,
    'SlotReserved',
    {
      reservationId,
      providerId: 'provider-1',
      patientId,
      serviceId: 'svc-consult',
      startTime: start.toISOString(),
      endTime: new Date(start.getTime() + 1800_000).toISOString(),
      expiresAt: new Date(Date.now() + 300_000).toISOString(),
    },
    { id: reservationId, version: 1 },
  );
}

/** Counter value from a Prometheus text exposition, 0 when the series does not exist yet. */
async function counterValue(baseUrl: string, name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.includes(w)));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('delivery guarantees between real services', () => {
  const suffix = uniqueSuffix();
  const crashed = { reservationId: randomUUID(), event: undefined as unknown as OutgoingMessage };
  let platform: TestPlatform;
  const kafka = testKafka();
  const producer = kafka.producer();
  let bookingEvents: Awaited<ReturnType<typeof probeTopic>>;

  const send = (message: OutgoingMessage | { topic: string; key: string; value: string; headers?: Record<string, string> }) =>
    producer.send({
      topic: message.topic,
      messages: [
        'envelope' in message
          ? { key: message.key, value: JSON.stringify(message.envelope) }
          : { key: message.key, value: message.value, headers: message.headers },
      ],
    });

  beforeAll(async () => {
    bookingEvents = await probeTopic(Topics.bookingEvents);
    await producer.connect();
    // A one-second sweep (5 s by default), so the crashed write's entry is recovered quickly.
    platform = await startPlatform(['booking-svc', 'notification-svc'], {
      suffix,
      portOffset: 20,
      env: { 'booking-svc': { OUTBOX_SWEEP_INTERVAL_MS: '1000' } },
    });
    // Another booking-svc replica "crashed" right after its single-document write: reservation and
    // outbox entry stored, nothing published; this one's sweep must publish it. Written once the
    // platform is up, so notification-svc's group (which starts at the end of the topic) is positioned.
    crashed.event = slotReserved(crashed.reservationId);
    const payload = crashed.event.envelope.payload as Record<string, string>;
    await platform.mongo
      .db(platform.database('booking-svc'))
      .collection('slot_reservations')
      .insertOne({
        _id: crashed.reservationId as never,
        ...payload,
        status: 'active',
        version: 1,
        idempotencyKey: randomUUID(),
        createdAt: new Date(),
        ...outboxOnInsert([crashed.event]),
      });
  }, 120_000);

  afterAll(async () => {
    await producer.disconnect();
    await bookingEvents?.stop();
    await platform?.stop();
  }, 60_000);

  const activity = () => platform.mongo.db(platform.database('notification-svc')).collection('activity');

  it('publishes the event of a write whose process died before publishing, exactly once, and it is consumed', async () => {
    const eventId = crashed.event.envelope.eventId;
    await waitFor(
      async () => (await activity().countDocuments({ eventId })) > 0,
      20_000,
      () => 'the recovered event at notification-svc',
    );
    // Once the entry has left the reservation's outbox nothing can publish it again; the probe then shows whether it went out twice.
    await waitFor(
      async () =>
        (await platform.mongo
          .db(platform.database('booking-svc'))
          .collection('slot_reservations')
          .countDocuments({ _id: crashed.reservationId as never, outboxPending: true })) === 0,
      15_000,
      () => 'the recovered entry cleared from the outbox',
    );
    await bookingEvents.caughtUp();
    const published = bookingEvents.records.filter((r) => r.value?.includes(eventId));
    expect(published).toHaveLength(1);
    expect(published[0]?.headers).toMatchObject({
      'x-event-id': eventId,
      'x-event-type': 'SlotReserved',
      traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/),
    });
    const reservation = await platform.mongo
      .db(platform.database('booking-svc'))
      .collection('slot_reservations')
      .findOne({ _id: crashed.reservationId as never });
    expect(reservation?.['outbox']).toEqual([]);
  }, 40_000);

  it('runs the handler once when the same message is delivered twice', async () => {
    const notification = platform.url('notification-svc');
    const labels = { topic: Topics.bookingEvents, type: 'SlotReserved' };
    const handledBefore = await counterValue(notification, 'kafka_messages_consumed_total', { ...labels, outcome: 'handled' });
    const duplicatesBefore = await counterValue(notification, 'kafka_messages_consumed_total', { ...labels, outcome: 'duplicate' });
    const deliveryLabels = { ...labels, group: platform.group('notification-svc') };
    const deliveriesBefore = await counterValue(notification, 'messaging_delivery_seconds_count', deliveryLabels);
    const event = slotReserved(randomUUID());

    await send(event);
    await send(event); // a redelivery: same eventId, a new offset

    await waitFor(
      async () => (await counterValue(notification, 'kafka_messages_consumed_total', { ...labels, outcome: 'duplicate' })) > duplicatesBefore,
      20_000,
      () => 'the duplicate to be seen',
    );
    expect(await counterValue(notification, 'kafka_messages_consumed_total', { ...labels, outcome: 'handled' })).toBe(handledBefore + 1);
    expect(await counterValue(notification, 'kafka_messages_consumed_total', { ...labels, outcome: 'duplicate' })).toBe(duplicatesBefore + 1);
    // Delivery latency is observed for the handling, not for the duplicate.
    expect(await counterValue(notification, 'messaging_delivery_seconds_count', deliveryLabels)).toBe(deliveriesBefore + 1);
    expect(await activity().countDocuments({ eventId: event.envelope.eventId })).toBe(1);
    const inbox = platform.mongo.db(platform.database('notification-svc')).collection('inbox');
    expect(await inbox.countDocuments({ eventId: event.envelope.eventId })).toBe(1);
  }, 40_000);

  it('dead-letters a message that breaks its contract, with the error attached, and keeps consuming; one of a type the group does not handle is ignored unread', async () => {
    const deadLetters = await probeTopic(`${platform.group('notification-svc')}.dead-letter.v1`, kafka);
    try {
      const broken = slotReserved(randomUUID());
      const { patientId: _dropped, ...payloadWithoutPatient } = broken.envelope.payload as Record<string, string>;
      const invalidValue = JSON.stringify({ ...broken.envelope, payload: payloadWithoutPatient });
      await send({ topic: broken.topic, key: broken.key, value: invalidValue });
      await send({ topic: broken.topic, key: broken.key, value: 'not json at all' });
      // Its header names an event type notification-svc does not handle: not its business, so not even parsed.
      const notOurs = 'not json either, and of a type nobody here handles';
      await send({ topic: broken.topic, key: broken.key, value: notOurs, headers: { [MessageHeaders.type]: 'ProviderRenamed' } });
      const next = slotReserved(randomUUID());
      await send(next);

      const dead = await waitFor(
        () => deadLetters.records.find((r) => r.value === invalidValue),
        20_000,
        () => 'the dead letter',
      );
      expect(dead.headers[MessageHeaders.deadLetterReason]).toBe('invalid-payload');
      expect(dead.headers[MessageHeaders.deadLetterError]).toContain('patientId');
      expect(dead.headers[MessageHeaders.deadLetterOriginalTopic]).toBe(Topics.bookingEvents);
      expect(dead.headers[MessageHeaders.deadLetterConsumerGroup]).toBe(platform.group('notification-svc'));
      expect(dead.key).toBe(broken.key);
      const unparseable = await waitFor(
        () => deadLetters.records.find((r) => r.value === 'not json at all'),
        20_000,
        () => 'the unparseable dead letter',
      );
      expect(unparseable.headers[MessageHeaders.deadLetterReason]).toBe('unparseable');

      await waitFor(
        async () => (await activity().countDocuments({ eventId: next.envelope.eventId })) === 1,
        20_000,
        () => 'the message after the broken ones',
      );
      expect(await activity().countDocuments({ eventId: broken.envelope.eventId })).toBe(0);
      // Same key, so handled in order: the message after it is done, and it was not dead-lettered.
      expect(deadLetters.records.filter((r) => r.value === notOurs)).toEqual([]);
    } finally {
      await deadLetters.stop();
    }
  }, 40_000);
});
