import { EventPattern } from '@nestjs/microservices';
import { type MessageType, type PayloadOf, type Topic, messagePattern } from '@bp/contracts';
import type { InboundMessage } from './inbound-validation.js';

type HandlerDecorator<P extends object> = <H extends (message: InboundMessage<P>, ...rest: any[]) => any>(
  target: object,
  propertyKey: string | symbol,
  descriptor: TypedPropertyDescriptor<H>,
) => void;

/**
 * What a handler returns when the message changed nothing — it decided so from the message and from
 * state that only moves forward (a status no calendar shows, no timer to set): the message is then not
 * recorded in the inbox, which saves a database write per such message. A redelivery runs the handler
 * again, and it again changes nothing. A handler that changed something returns nothing.
 */
export const UNCHANGED = Symbol('the handler changed nothing');

/**
 * Subscribes a handler to one message type of a topic. The handler's first parameter must accept the
 * contract's payload for that (topic, type), checked at compile time; the transport has validated the
 * message against the same class before the handler runs.
 */
export function OnMessage<T extends Topic, M extends MessageType<T>>(topic: T, type: M): HandlerDecorator<PayloadOf<T, M> & object> {
  return EventPattern<string>(messagePattern(topic, type)) as unknown as HandlerDecorator<PayloadOf<T, M> & object>;
}

/** Subscribes a handler to every message of a topic (the gateway's live stream). */
export function OnAnyMessage(topic: Topic): HandlerDecorator<object> {
  return EventPattern<string>(`${topic}#*`) as unknown as HandlerDecorator<object>;
}
