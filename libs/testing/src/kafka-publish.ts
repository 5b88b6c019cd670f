import type { Producer, RecordMetadata } from 'kafkajs';
import type { MessageType, PayloadOf, Topic } from '@bp/contracts';
import { type OutgoingMessage, buildMessage } from '@bp/messaging';

/** Sends a built message as a service would (its envelope as JSON, keyed by aggregate), bypassing any outbox. */
export async function publishMessage(producer: Producer, message: OutgoingMessage): Promise<void> {
  await publishMessages(producer, [message]);
}

/**
 * Sends built messages in one request, in order. With `partition`, all go to that partition whatever
 * their keys (a test that needs several keys in one partition); the answer says where each
 * partition's first message landed (one request's messages to a partition get consecutive offsets).
 */
export async function publishMessages(producer: Producer, messages: OutgoingMessage[], { partition }: { partition?: number } = {}): Promise<RecordMetadata[]> {
  const topics = [...new Set(messages.map((m) => m.topic))];
  return producer.sendBatch({
    topicMessages: topics.map((topic) => ({
      topic,
      messages: messages
        .filter((m) => m.topic === topic)
        .map((m) => ({ key: m.key, value: JSON.stringify(m.envelope), ...(partition === undefined ? {} : { partition }) })),
    })),
  });
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
