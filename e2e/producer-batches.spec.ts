import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import type { Producer } from 'kafkajs';
import { KafkaClient, KafkaProducer, type OutgoingMessage } from '@bp/messaging';
import { ServiceConfig } from '@bp/platform';
import { type TopicProbe, infraEnv, probeTopic, slotReserved, uniqueSuffix, waitFor } from '@bp/testing';

describe('KafkaProducer on the real Kafka', () => {
  let client: KafkaClient;
  let producer: KafkaProducer;
  let probe: TopicProbe;
  /** Every request the producer made to Kafka (kafkajs sendBatch calls), with how many messages each carried. */
  const requests: number[] = [];
  /** A topic of this spec's own: the shared ones hold other specs' records, which the probe would read first. */
  const topic = `test.producer-batches.${uniqueSuffix()}`;
  const message = (key = randomUUID()): OutgoingMessage => ({ ...slotReserved(randomUUID()), topic: topic as never, key });

  const ids = (messages: OutgoingMessage[]) => messages.map((m) => m.envelope.eventId);
  const received = (eventIds: string[]) =>
    probe.records.map((r) => eventIds.find((id) => r.value?.includes(`"eventId":"${id}"`))).filter((id): id is string => id !== undefined);

  /** A client whose producers count their requests into `requests`. */
  function countingClient(settings: Partial<ServiceConfig>): KafkaClient {
    const made = new KafkaClient(Object.assign(new ServiceConfig(), { KAFKA_BROKERS: infraEnv().KAFKA_BROKERS }, settings));
    const create = made.kafka.producer.bind(made.kafka);
    jest.spyOn(made.kafka, 'producer').mockImplementation((options) => {
      const producer: Producer = create(options);
      const sendBatch = producer.sendBatch.bind(producer);
      producer.sendBatch = (batch) => {
        requests.push(batch.topicMessages!.reduce((n, t) => n + t.messages.length, 0));
        return sendBatch(batch);
      };
      return producer;
    });
    return made;
  }

  beforeAll(async () => {
    // No linger: what this spec shows first is the batching of sends that wait on a request under way.
    client = countingClient({ KAFKA_PRODUCE_LINGER_MS: 0 });
    producer = new KafkaProducer(client);
    probe = await probeTopic(topic);
    await producer.send([message()]); // connected, the topic known
  }, 60_000);

  afterAll(async () => {
    await probe?.stop();
    await producer?.onApplicationShutdown();
    await client?.onApplicationShutdown();
  }, 30_000);

  it('sends what is asked for while a request is under way in one request, in the order asked', async () => {
    const key = randomUUID();
    const messages = Array.from({ length: 20 }, () => message(key));
    requests.length = 0;

    await Promise.all(messages.map((message) => producer.send([message])));

    expect(requests).toEqual([1, 19]);
    await waitFor(
      () => received(ids(messages)).length === messages.length,
      15_000,
      () => 'the 20 messages',
    );
    expect(received(ids(messages))).toEqual(ids(messages)); // one key, one partition: in the order sent
  }, 30_000);

  it('with a linger, sends asked for at once go out in one request, the first included', async () => {
    const lingering = countingClient({ KAFKA_PRODUCE_LINGER_MS: 5 });
    const lingeringProducer = new KafkaProducer(lingering);
    try {
      await lingeringProducer.send([message()]); // connected, the topic known
      const key = randomUUID();
      const messages = Array.from({ length: 20 }, () => message(key));
      requests.length = 0;

      await Promise.all(messages.map((message) => lingeringProducer.send([message])));

      expect(requests).toEqual([20]);
      await waitFor(
        () => received(ids(messages)).length === messages.length,
        15_000,
        () => 'the 20 messages',
      );
      expect(received(ids(messages))).toEqual(ids(messages));
    } finally {
      await lingeringProducer.onApplicationShutdown();
      await lingering.onApplicationShutdown();
    }
  }, 30_000);

  it('fails only the call whose message Kafka refused, not the others sent with it', async () => {
    const good = Array.from({ length: 5 }, () => message());
    const base = message();
    const tooLarge: OutgoingMessage = { ...base, envelope: { ...base.envelope, payload: { ...base.envelope.payload, padding: 'x'.repeat(2_000_000) } } };

    const outcomes = await Promise.allSettled([good[0]!, tooLarge, ...good.slice(1)].map((message) => producer.send([message])));

    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    // Each at least once (those the failed request wrote before the refusal go again when sent alone; consumers drop the repeat).
    await waitFor(
      () => new Set(received(ids(good))).size === good.length,
      15_000,
      () => 'the messages sent with the refused one',
    );
  }, 30_000);
});
