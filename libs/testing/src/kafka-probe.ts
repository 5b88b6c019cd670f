import { Kafka, logLevel, type Consumer, type IHeaders } from 'kafkajs';
import { topicConfig } from '@bp/messaging';
import { infraEnv, topicPartitions, uniqueSuffix } from './infra.js';
import { waitFor } from './service-process.js';

export interface ProbedRecord {
  topic: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  /** When the probe received it (ms since the epoch). */
  receivedAt: number;
}

export function testKafka(brokers = infraEnv().KAFKA_BROKERS): Kafka {
  return new Kafka({ clientId: `test-${uniqueSuffix()}`, brokers: brokers.split(','), logLevel: logLevel.NOTHING, retry: { retries: 3 } });
}

function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.map(String).join(',') : String(v ?? '')]));
}

export interface TopicProbe {
  records: ProbedRecord[];
  /**
   * Resolves once the probe has received every record the topic held when it was called: a barrier
   * that shows what was published before it, instead of a sleep that hopes so.
   */
  caughtUp: (timeoutMs?: number) => Promise<void>;
  stop: () => Promise<void>;
}

/** Reads a topic from its beginning, keeping every record it sees, until stopped; tests filter by their own ids. */
export async function probeTopic(topic: string, kafka = testKafka()): Promise<TopicProbe> {
  const admin = kafka.admin();
  await admin.connect();
  const existing = await admin.listTopics();
  // Created as the services under test would create it, so none of them grows it under this probe's feet.
  if (!existing.includes(topic)) await admin.createTopics({ topics: [topicConfig(topic, topicPartitions())], waitForLeaders: true });
  await admin.disconnect();
  const consumer: Consumer = kafka.consumer({ groupId: `probe-${uniqueSuffix()}` });
  const records: ProbedRecord[] = [];
  /** The last offset received, per partition. */
  const received = new Map<number, number>();
  let joined!: () => void;
  const ready = new Promise<void>((resolve) => (joined = resolve));
  consumer.on(consumer.events.GROUP_JOIN, () => joined());
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      received.set(partition, Number(message.offset));
      records.push({
        topic,
        key: message.key?.toString() ?? null,
        value: message.value?.toString() ?? null,
        headers: headersToStrings(message.headers),
        receivedAt: Date.now(),
      });
    },
  });
  await ready;
  const caughtUp = async (timeoutMs = 15_000) => {
    const offsetsAdmin = kafka.admin();
    await offsetsAdmin.connect();
    const ends = await offsetsAdmin.fetchTopicOffsets(topic).finally(() => offsetsAdmin.disconnect());
    await waitFor(
      () => ends.every(({ partition, high, low }) => Number(high) <= Number(low) || (received.get(partition) ?? -1) >= Number(high) - 1),
      timeoutMs,
      () => `the probe of ${topic} to catch up with ${ends.map((e) => `${e.partition}:${e.high}`).join(' ')}`,
    );
  };
  return { records, caughtUp, stop: () => consumer.disconnect() };
}
