import { randomUUID } from 'node:crypto';
import type { MessageType, PayloadOf, Topic } from '@bp/contracts';
import { requestContext } from '@bp/platform';
import type { OutgoingMessage } from './outgoing-message.js';
import { currentTraceContext } from './message-tracing.js';

export interface AggregateRef {
  id: string;
  /** The aggregate's version after the change this message describes. */
  version: number;
}

/**
 * The one way to create a message: the topic and type select the payload class at compile time, so a
 * payload that does not match its topic's contract does not compile. The envelope takes its
 * correlation id, causation id and actor from the current request or message context, and the
 * active trace context, which the outbox keeps until the relay publishes.
 */
export function buildMessage<T extends Topic, M extends MessageType<T>>(
  topic: T,
  type: M,
  payload: PayloadOf<T, M>,
  aggregate: AggregateRef,
  now: Date = new Date(),
): OutgoingMessage {
  const context = requestContext.current();
  const eventId = randomUUID();
  const traceContext = currentTraceContext();
  return {
    topic,
    key: aggregate.id,
    envelope: {
      eventId,
      type,
      occurredAt: now.toISOString(),
      aggregateId: aggregate.id,
      aggregateVersion: aggregate.version,
      correlationId: context?.requestId ?? eventId,
      ...(context?.causationId ? { causationId: context.causationId } : {}),
      actor: context?.actor ?? { type: 'system', id: process.env['SERVICE_NAME'] ?? 'system' },
      ...(traceContext ? { traceContext } : {}),
      payload: { ...(payload as object) },
    },
  };
}
