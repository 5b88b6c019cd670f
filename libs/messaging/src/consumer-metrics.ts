import { counter, gauge, histogram } from '@bp/platform';

export const consumerMetrics = {
  handled: () => counter('kafka_messages_consumed_total', 'Messages consumed, by topic, type and outcome', ['topic', 'type', 'outcome']),
  deadLettered: () => counter('kafka_messages_dead_lettered_total', 'Messages sent to a dead-letter topic, by reason', ['topic', 'reason']),
  duration: () =>
    histogram(
      'kafka_message_handling_duration_seconds',
      'Time to handle one message, retries included',
      ['topic', 'type'],
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    ),
  delivery: () =>
    histogram(
      'messaging_delivery_seconds',
      "Time from a message's occurredAt (its state change and outbox write) until this consumer group handled it, for messages handled (not duplicates, ignored or dead-lettered)",
      ['topic', 'type', 'group'],
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    ),
  lag: () =>
    gauge(
      'kafka_consumer_group_lag',
      "Messages on a topic not yet committed by this service's consumer group (end offsets minus committed offsets, summed over partitions)",
      ['group', 'topic'],
    ),
};

/** Why a message goes to the dead-letter topic: the validation failures, then the handling ones. */
export const DEAD_LETTER_REASONS = [
  'unparseable',
  'invalid-envelope',
  'unknown-type',
  'invalid-payload',
  'no-handler',
  'non-retryable',
  'retries-exhausted',
] as const;

/** What a consumer group subscribes to, for its zero series: every topic, and the message types it has handlers for. */
export interface ConsumerSubscription {
  group: string;
  topics: readonly string[];
  handled: ReadonlyArray<{ topic: string; type: string }>;
}

/**
 * Registers the consumer metrics before the first message, a zero dead-letter count per topic and
 * reason, and an empty delivery histogram per handled type: Prometheus sees no increase in a series
 * whose first sample is already 1, so the dead-letter alert would miss the first one, and a
 * benchmark reading the delivery histogram would miss the first message.
 */
export function declareConsumerMetrics(subscription?: ConsumerSubscription): void {
  for (const declare of Object.values(consumerMetrics)) declare();
  if (!subscription) return;
  for (const topic of subscription.topics) for (const reason of DEAD_LETTER_REASONS) consumerMetrics.deadLettered().inc({ topic, reason }, 0);
  for (const { topic, type } of subscription.handled) consumerMetrics.delivery().zero({ topic, type, group: subscription.group });
}
