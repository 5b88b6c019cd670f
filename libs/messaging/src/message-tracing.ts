import { type Context, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, type TextMapGetter, context, propagation, trace } from '@opentelemetry/api';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { MessageHeaders, type TraceContext } from '@bp/contracts';
import type { OutgoingMessage } from './outgoing-message.js';

/*
 * One trace per flow across Kafka (docs/observability.md, "Tracing"). The kafkajs auto-instrumentation
 * is not used: it parents its send span on whatever context is active when the outbox relay
 * publishes (a sweep has none) and overwrites the headers. Instead the context is captured when the
 * message is built, stored in its envelope (and so in the outbox), and the spans are made here.
 */

const tracer = () => trace.getTracer('@bp/messaging');

/** The active W3C trace context, for a message built now; nothing when no trace is active. */
export function currentTraceContext(): TraceContext | undefined {
  const carrier: Partial<TraceContext> = {};
  propagation.inject(context.active(), carrier);
  if (!carrier.traceparent) return undefined;
  return { traceparent: carrier.traceparent, ...(carrier.tracestate ? { tracestate: carrier.tracestate } : {}) };
}

/**
 * Runs `send` inside one PRODUCER span per message, each a child of the context its message was
 * built in; `send` puts the headers of its message's span (`traceparent`, `tracestate`) on the record.
 */
export async function withPublishSpans(
  messages: OutgoingMessage[],
  send: (traceHeaders: (message: OutgoingMessage) => IHeaders) => Promise<void>,
): Promise<void> {
  const spans = new Map(messages.map((message) => [message, startPublishSpan(message)]));
  const headers = new Map([...spans].map(([message, span]) => [message, injected(trace.setSpan(ROOT_CONTEXT, span))]));
  try {
    await send((message) => headers.get(message) ?? {});
  } catch (error) {
    spans.forEach((span) => failed(span, error));
    throw error;
  } finally {
    spans.forEach((span) => span.end());
  }
}

function startPublishSpan({ topic, key, envelope }: OutgoingMessage): Span {
  const parent = envelope.traceContext ? propagation.extract(ROOT_CONTEXT, envelope.traceContext) : ROOT_CONTEXT;
  return tracer().startSpan(
    `send ${topic}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'send',
        'messaging.destination.name': topic,
        'messaging.kafka.message.key': key,
        'messaging.message.id': envelope.eventId,
        'bp.message.type': envelope.type,
      },
    },
    parent,
  );
}

/**
 * Runs the handling of a consumed record inside a CONSUMER span whose parent is the publish span
 * named by its headers, so the handler's database calls and the messages it builds join the trace.
 */
export function withConsumeSpan<T>(topic: string, partition: number, group: string, message: KafkaMessage, handle: () => Promise<T>): Promise<T> {
  const headers = message.headers ?? {};
  const parent = propagation.extract(ROOT_CONTEXT, headers, kafkaHeaderGetter);
  const span = tracer().startSpan(
    `process ${topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': topic,
        'messaging.destination.partition.id': String(partition),
        'messaging.consumer.group.name': group,
        'messaging.kafka.offset': Number(message.offset),
        ...optional('messaging.message.id', headerValue(headers[MessageHeaders.eventId])),
        ...optional('bp.message.type', headerValue(headers[MessageHeaders.type])),
      },
    },
    parent,
  );
  return context.with(trace.setSpan(parent, span), async () => {
    try {
      return await handle();
    } catch (error) {
      failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

function injected(ctx: Context): IHeaders {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

function failed(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error | undefined)?.message });
}

function headerValue(value: IHeaders[string]): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

function optional(name: string, value: string | undefined): Record<string, string> {
  return value === undefined ? {} : { [name]: value };
}

/** Kafka delivers header values as Buffers. */
const kafkaHeaderGetter: TextMapGetter<IHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => headerValue(carrier[key]),
};
