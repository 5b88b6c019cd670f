import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { type SpanContext, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import mongoose, { type Connection, type Model, Schema } from 'mongoose';
import { Topics, messagePattern } from '@bp/contracts';
import {
  type InboundMessage,
  KafkaClient,
  KafkaConsumerTransport,
  type KafkaMessageContext,
  KafkaProducer,
  NoInbox,
  type OutgoingMessage,
  consumerOptionsFrom,
} from '@bp/messaging';
import { DatabaseServiceConfig, ReadinessRegistry } from '@bp/platform';
import { infraEnv, slotReserved, uniqueSuffix, waitFor, dropScratchDatabase } from '@bp/testing';
import { OutboxRelay } from './outbox-relay.js';
import { type OutboxFields, outboxOnInsert, withOutboxFields } from './outbox.schema.js';

interface Reservation extends OutboxFields {
  _id: string;
}

interface Handled {
  envelope: InboundMessage;
  headers: Record<string, string>;
  /** The span active while the handler ran. */
  active?: SpanContext;
  /** A message the handler builds, as a handler that publishes further would. */
  followUp: OutgoingMessage;
}

/**
 * The trace context of a request survives the outbox: captured when the message is built, stored with
 * the outbox entry, published later by a sweep outside the request as the Kafka headers of a PRODUCER
 * span, and extracted by the consumer transport into the CONSUMER span the handler runs in.
 */
describe('trace context through the outbox and Kafka (real MongoDB-compatible server and Kafka)', () => {
  const config = Object.assign(new DatabaseServiceConfig(), {
    KAFKA_BROKERS: infraEnv().KAFKA_BROKERS,
    MONGO_URL: infraEnv().MONGO_URL,
    KAFKA_FETCH_MAX_WAIT_MS: Number(process.env['KAFKA_FETCH_MAX_WAIT_MS'] ?? 1000), // as the suite's services (jest/worker-environment.js)
  });
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = () => trace.getTracer('outbox-tracing.spec');
  const handled = new Map<string, Handled>();
  let connection: Connection;
  let model: Model<Reservation>;
  let client: KafkaClient;
  let producer: KafkaProducer;
  let relay: OutboxRelay;
  let transport: KafkaConsumerTransport;

  beforeAll(async () => {
    provider.register();
    connection = await mongoose.createConnection(config.MONGO_URL, { dbName: `outbox_tracing_${uniqueSuffix()}` }).asPromise();
    model = connection.model<Reservation>('TracedReservation', withOutboxFields(new Schema<Reservation>({ _id: String })), 'traced_reservations');
    client = new KafkaClient(config);
    producer = new KafkaProducer(client);
    relay = new OutboxRelay([model as never], producer, config, new ReadinessRegistry());
    transport = new KafkaConsumerTransport(client, producer, new NoInbox(), {
      ...consumerOptionsFrom(config, { inbox: 'none', groupId: `tracing-${uniqueSuffix()}` }),
      maxAttempts: 1,
      retryBackoffMs: 10,
    });
    // The topic is shared with other specs: the handler keeps only this spec's messages.
    const handler = async (envelope: InboundMessage, context: KafkaMessageContext) => {
      if (!envelope.aggregateId.startsWith('traced-')) return;
      const headers = Object.fromEntries(Object.entries(context.headers).map(([name, value]) => [name, String(value)]));
      handled.set(envelope.aggregateId, {
        envelope,
        headers,
        active: trace.getActiveSpan()?.spanContext(),
        followUp: slotReserved(`follow-up-${envelope.aggregateId}`),
      });
    };
    transport.addHandler(messagePattern(Topics.bookingEvents, 'SlotReserved'), handler as never, true);
    await new Promise<void>((resolve, reject) => transport.listen((error) => (error ? reject(error as Error) : resolve())));
    await waitFor(
      () => transport.consumerState().running,
      30_000,
      () => 'the consumer to be positioned',
    );
  }, 60_000);

  afterAll(async () => {
    await transport?.close();
    await producer?.onApplicationShutdown();
    await client?.onApplicationShutdown();
    await dropScratchDatabase(connection);
    await provider.shutdown();
  }, 30_000);

  const spansNamed = (name: string, kind: SpanKind) => exporter.getFinishedSpans().filter((s) => s.name === name && s.kind === kind);
  const publishSpanOf = (eventId: string) =>
    waitFor(
      () => spansNamed(`send ${Topics.bookingEvents}`, SpanKind.PRODUCER).find((s) => s.attributes['messaging.message.id'] === eventId),
      10_000,
      () => 'the publish span',
    );
  const consumeSpanOf = (eventId: string) =>
    waitFor(
      () => spansNamed(`process ${Topics.bookingEvents}`, SpanKind.CONSUMER).find((s) => s.attributes['messaging.message.id'] === eventId),
      20_000,
      () => 'the consume span',
    );
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

  it('continues the request’s trace from the outbox entry to the Kafka headers, the consumer span and what the handler builds', async () => {
    const id = `traced-${randomUUID()}`;
    // The request: the message is built and written with the state change inside its span.
    const request = await tracer().startActiveSpan('POST /api/bookings/reserve-slot', { kind: SpanKind.SERVER }, async (span) => {
      await model.create({ _id: id, ...outboxOnInsert([slotReserved(id)]) });
      span.end();
      return span.spanContext();
    });

    const stored = await model.findById(id).lean<Reservation>();
    const envelope = stored!.outbox[0]!.envelope;
    expect(envelope.traceContext?.traceparent).toBe(`00-${request.traceId}-${request.spanId}-01`);

    // Published by a sweep, outside the request's async context.
    expect(trace.getActiveSpan()).toBeUndefined();
    expect(await relay.sweep(0)).toBe(1);

    const publish = await publishSpanOf(envelope.eventId);
    expect(publish.spanContext().traceId).toBe(request.traceId);
    expect(parentOf(publish)).toBe(request.spanId);

    const received = await waitFor(
      () => handled.get(id),
      20_000,
      () => 'the handler to run',
    );
    expect(received.headers['traceparent']).toBe(`00-${request.traceId}-${publish.spanContext().spanId}-01`);

    const consume = await consumeSpanOf(envelope.eventId);
    expect(consume.spanContext().traceId).toBe(request.traceId);
    expect(parentOf(consume)).toBe(publish.spanContext().spanId);
    expect(consume.attributes).toMatchObject({ 'messaging.destination.name': Topics.bookingEvents, 'bp.message.type': 'SlotReserved' });
    // The handler ran inside the consumer span, so what it builds continues the same trace.
    expect(received.active).toEqual(consume.spanContext());
    expect(received.followUp.envelope.traceContext?.traceparent).toBe(`00-${request.traceId}-${consume.spanContext().spanId}-01`);
  }, 60_000);

  it('starts a trace at the publish span for a message built outside any trace, and the consumer continues it', async () => {
    const id = `traced-${randomUUID()}`;
    const message = slotReserved(id);
    expect(message.envelope).not.toHaveProperty('traceContext');
    await model.create({ _id: id, ...outboxOnInsert([message]) });
    await relay.sweep(0);

    const publish = await publishSpanOf(message.envelope.eventId);
    expect(parentOf(publish)).toBeUndefined();
    const consume = await consumeSpanOf(message.envelope.eventId);
    expect(consume.spanContext().traceId).toBe(publish.spanContext().traceId);
    expect(parentOf(consume)).toBe(publish.spanContext().spanId);
  }, 60_000);
});
