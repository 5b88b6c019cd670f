import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { type IHeaders, Partitioners, type Producer } from 'kafkajs';
import { MessageHeaders } from '@bp/contracts';
import { KafkaClient } from './kafka-client.js';
import { withPublishSpans } from './message-tracing.js';
import type { OutgoingMessage } from './outgoing-message.js';

/**
 * The idempotent producer. Services do not call it for domain events (those go through the outbox,
 * which calls it); it is the low-level send used by the outbox relay and the dead-letter path.
 */
@Injectable()
export class KafkaProducer implements OnApplicationShutdown {
  private producer?: Promise<Producer>;
  /** Topics known to exist: brokers run with auto-creation off, so the producer creates what it publishes to. */
  private readonly knownTopics = new Set<string>();

  constructor(private readonly client: KafkaClient) {}

  /**
   * Sends messages in order; all of one call share a topic order per key. Rejects if Kafka did not
   * acknowledge. Each message gets a publish span, parented on the trace context in its envelope.
   */
  async send(messages: OutgoingMessage[], extraHeaders: IHeaders = {}): Promise<void> {
    await this.ensureTopics(messages.map((m) => m.topic));
    const producer = await this.connected();
    const byTopic = new Map<string, OutgoingMessage[]>();
    for (const message of messages) byTopic.set(message.topic, [...(byTopic.get(message.topic) ?? []), message]);
    await withPublishSpans(messages, (traceHeaders) =>
      producer
        .sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, list]) => ({
            topic,
            messages: list.map((message) => ({
              key: message.key,
              value: JSON.stringify(message.envelope),
              headers: {
                [MessageHeaders.eventId]: message.envelope.eventId,
                [MessageHeaders.type]: message.envelope.type,
                [MessageHeaders.correlationId]: message.envelope.correlationId,
                ...traceHeaders(message),
                ...extraHeaders,
              },
            })),
          })),
        })
        .then(() => undefined),
    );
  }

  /** Sends an already-encoded record unchanged but for added headers (dead-lettering keeps the original bytes). */
  async forward(topic: string, record: { key: Buffer | string | null; value: Buffer | string | null; headers: IHeaders }): Promise<void> {
    await this.ensureTopics([topic]);
    const producer = await this.connected();
    await producer.send({ topic, acks: -1, messages: [{ key: record.key, value: record.value, headers: record.headers }] });
  }

  private async ensureTopics(topics: string[]): Promise<void> {
    const unknown = [...new Set(topics)].filter((topic) => !this.knownTopics.has(topic));
    if (unknown.length === 0) return;
    await this.client.ensureTopics(unknown);
    unknown.forEach((topic) => this.knownTopics.add(topic));
  }

  private connected(): Promise<Producer> {
    this.producer ??= (async () => {
      // Not kafkajs's idempotent mode: when a request's answer is lost and its retries run out, kafkajs
      // hands that request's sequence numbers out again, and the broker then drops the next message as
      // a repeat of the written one while acknowledging it (e2e/producer-failures.spec.ts). Repeats are
      // harmless here instead: every consumer drops them by event id (inbox). One request in flight
      // per broker keeps each partition's order through retries.
      const producer = this.client.kafka.producer({
        idempotent: false,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      try {
        await producer.connect();
        return producer;
      } catch (error) {
        this.producer = undefined;
        throw error;
      }
    })();
    return this.producer;
  }

  async onApplicationShutdown(): Promise<void> {
    const producer = await this.producer?.catch(() => undefined);
    this.producer = undefined;
    await producer?.disconnect();
  }
}
