import { Topics } from '@bp/contracts';
import { KafkaClient, topicConfig } from '@bp/messaging';
import { ServiceConfig } from '@bp/platform';
import { infraEnv, testKafka, uniqueSuffix } from '@bp/testing';

describe('topicConfig', () => {
  it('gives a topic the configured partition count unless TOPIC_SETTINGS has its own', () => {
    expect(topicConfig(Topics.bookingEvents, 12)).toMatchObject({ topic: Topics.bookingEvents, numPartitions: 12 });
    expect(topicConfig(Topics.featureFlags, 12)).toMatchObject({ numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] });
  });
});

/** On the real broker, with topics of this run only (the contract topics are shared with whatever else runs there). */
describe('KafkaClient.ensureTopics on Kafka', () => {
  const suffix = uniqueSuffix();
  const topic = (name: string) => `test.partitions-${suffix}.${name}`;
  const admin = testKafka().admin();
  const clients: KafkaClient[] = [];
  const clientWith = (partitions: number) => {
    const client = new KafkaClient(Object.assign(new ServiceConfig(), { KAFKA_BROKERS: infraEnv().KAFKA_BROKERS, KAFKA_TOPIC_PARTITIONS: partitions }));
    clients.push(client);
    return client;
  };
  const partitionsOf = async (name: string) => (await admin.fetchTopicMetadata({ topics: [name] })).topics[0]!.partitions.length;
  const created: string[] = [];
  const createWith = async (name: string, numPartitions: number) => {
    created.push(name);
    await admin.createTopics({ topics: [{ topic: name, numPartitions }], waitForLeaders: true });
  };

  beforeAll(() => admin.connect());

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.onApplicationShutdown()));
    await admin.deleteTopics({ topics: created }).catch(() => undefined);
    await admin.disconnect();
  }, 30_000);

  it('creates a missing topic with the configured partitions', async () => {
    created.push(topic('new'));
    await clientWith(6).ensureTopics([topic('new')]);
    expect(await partitionsOf(topic('new'))).toBe(6);
  }, 60_000);

  it('grows a topic with fewer partitions, also when two services grow it at once, and then leaves it alone', async () => {
    await createWith(topic('small'), 2);
    await Promise.all([clientWith(5).ensureTopics([topic('small')]), clientWith(5).ensureTopics([topic('small')])]);
    expect(await partitionsOf(topic('small'))).toBe(5);

    await clientWith(5).ensureTopics([topic('small')]);
    expect(await partitionsOf(topic('small'))).toBe(5);
  }, 60_000);

  it('never shrinks a topic that has more partitions than configured', async () => {
    await createWith(topic('large'), 4);
    await clientWith(2).ensureTopics([topic('large')]);
    expect(await partitionsOf(topic('large'))).toBe(4);
  }, 60_000);
});
