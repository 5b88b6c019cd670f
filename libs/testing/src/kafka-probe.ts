import { Kafka, logLevel, type Consumer, type IHeaders } from 'kafkajs';
import { topicConfig } from '@bp/messaging';
import { infraEnv, topicPartitions, uniqueSuffix } from './infra.js';

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

/** Reads a topic from its beginning, keeping every record it sees, until stopped; tests filter by their own ids. */
export async function probeTopic(topic: string, kafka = testKafka()): Promise<{ records: ProbedRecord[]; stop: () => Promise<void> }> {
  const admin = kafka.admin();
  await admin.connect();
  const existing = await admin.listTopics();
  // Created as the services under test would create it, so none of them grows it under this probe's feet.
  if (!existing.includes(topic)) await admin.createTopics({ topics: [topicConfig(topic, topicPartitions())], waitForLeaders: true });
  await admin.disconnect();
  const consumer: Consumer = kafka.consumer({ groupId: `probe-${uniqueSuffix()}` });
  const records: ProbedRecord[] = [];
  let joined!: () => void;
  const ready = new Promise<void>((resolve) => (joined = resolve));
  consumer.on(consumer.events.GROUP_JOIN, () => joined());
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
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
  return { records, stop: () => consumer.disconnect() };
}
