import type { Producer } from 'kafkajs';
import type { MessageType, PayloadOf, Topic } from '@bp/contracts';
import { type OutgoingMessage, buildMessage } from '@bp/messaging';

/** Sends a built message as a service would (its envelope as JSON, keyed by aggregate), bypassing any outbox. */
export async function publishMessage(producer: Producer, message: OutgoingMessage): Promise<void> {
  await producer.send({ topic: message.topic, messages: [{ key: message.key, value: JSON.stringify(message.envelope) }] });
}

/** Builds a typed message for `aggregateId` and sends it; returns it for assertions and redelivery. */
export async function publish<T extends Topic, M extends MessageType<T>>(
  producer: Producer,
  topic: T,
  type: M,
  payload: PayloadOf<T, M>,
  aggregateId: string,
): Promise<OutgoingMessage> {
  const message = buildMessage(topic, type, payload, { id: aggregateId, version: 1 });
  await publishMessage(producer, message);
  return message;
}

/** payment-svc's answer to a hold request, as booking-svc receives it: a 10,000-cent hold lasting 7 days. */
export function holdPlaced(producer: Producer, bookingId: string, paymentIntentId = `pi_${bookingId}`): Promise<OutgoingMessage> {
  return publish(
    producer,
    'payment.events.v1',
    'PaymentHoldPlaced',
    { bookingId, paymentIntentId, amountCents: 10_000, expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString() },
    bookingId,
  );
}
