import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { type IHeaders, Partitioners, type Producer } from 'kafkajs';
import { MessageHeaders } from '@bp/contracts';
import { KeyedBatches } from '@bp/platform';
import { KafkaClient } from './kafka-client.js';
import { withPublishSpans } from './message-tracing.js';
import type { OutgoingMessage } from './outgoing-message.js';

interface PendingSend {
  messages: OutgoingMessage[];
  extraHeaders: IHeaders;
}

/**
 * The idempotent producer. Services do not call it for domain events (those go through the outbox,
 * which calls it); it is the low-level send used by the outbox relay and the dead-letter path.
 */
@Injectable()
export class KafkaProducer implements OnApplicationShutdown {
  private producer?: Promise<Producer>;
  /** Topics known to exist: brokers run with auto-creation off, so the producer creates what it publishes to. */
  private readonly knownTopics = new Set<string>();

  /**
   * Sends asked for while a request is under way go out together in the next one: with one request in
   * flight per broker they would wait anyway, and one request of many messages costs the broker and
   * this process far less than many of one. A send finding none under way lingers
   * (KAFKA_PRODUCE_LINGER_MS) for others to join it.
   */
  private readonly requests: KeyedBatches<PendingSend, Error | undefined>;

  constructor(private readonly client: KafkaClient) {
    this.requests = new KeyedBatches((_, sends) => this.sendTogether(sends), { lingerMs: client.produceLingerMs });
  }

  /**
   * Sends messages in order; all of one call share a topic order per key. Rejects if Kafka did not
   * acknowledge. Each message gets a publish span, parented on the trace context in its envelope.
   */
  async send(messages: OutgoingMessage[], extraHeaders: IHeaders = {}): Promise<void> {
    if (messages.length === 0) return;
    await this.ensureTopics(messages.map((m) => m.topic));
    const failure = await this.requests.submit('produce', { messages, extraHeaders });
    if (failure) throw failure;
  }

  /** One request for several calls' messages, in the order they were asked for; if it fails, each call is tried alone, so one bad message fails only its own call. */
  private async sendTogether(sends: PendingSend[]): Promise<Array<Error | undefined>> {
    try {
      await this.request(sends);
      return sends.map(() => undefined);
    } catch (error) {
      if (sends.length === 1) return [error as Error];
      return Promise.all(
        sends.map((alone) =>
          this.request([alone]).then(
            () => undefined,
            (failure: unknown) => failure as Error,
          ),
        ),
      );
    }
  }

  private async request(sends: PendingSend[]): Promise<void> {
    const producer = await this.connected();
    const records = sends.flatMap(({ messages, extraHeaders }) => messages.map((message) => ({ message, extraHeaders })));
    const byTopic = new Map<string, typeof records>();
    for (const record of records) byTopic.set(record.message.topic, [...(byTopic.get(record.message.topic) ?? []), record]);
    await withPublishSpans(
      records.map((r) => r.message),
      (traceHeaders) =>
        producer
          .sendBatch({
            acks: -1,
            topicMessages: [...byTopic].map(([topic, list]) => ({
              topic,
              messages: list.map(({ message, extraHeaders }) => ({
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
