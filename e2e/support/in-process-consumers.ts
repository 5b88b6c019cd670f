import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import mongoose, { type Connection } from 'mongoose';
import { type Topic, messagePattern } from '@bp/contracts';
import { type ConsumerOptions, type InboundMessage, KafkaClient, KafkaConsumerTransport, KafkaProducer, MongoInbox, consumerOptionsFrom } from '@bp/messaging';
import { DatabaseServiceConfig, loadConfig } from '@bp/platform';
import { infraEnv, localEnv, testKafka, uniqueSuffix, waitFor } from '@bp/testing';

type Handler = (envelope: InboundMessage, context: { offset: string }) => Promise<unknown>;

/**
 * The consumer transport as a service builds it — its config from the environment, the MongoDB inbox,
 * the service's Kafka client and producer — in the spec's own process, so its handlers can fail or
 * stall on purpose, on the real broker and database. Call it inside a describe: its beforeAll opens
 * what the transports need and its afterAll closes every transport and drops the run's database.
 */
export function inProcessConsumers(name: string, port: number) {
  const env = { ...process.env, ...localEnv(), ...infraEnv(), PORT: String(port), MONGO_DB: `${name.replace(/-/g, '_')}_${uniqueSuffix()}` };
  const config = loadConfig(`${name}.spec`, DatabaseServiceConfig, env);
  const kafka = testKafka();
  const publisher = kafka.producer();
  const transports: KafkaConsumerTransport[] = [];
  let opened: { connection: Connection; inbox: MongoInbox; client: KafkaClient; producer: KafkaProducer } | undefined;
  const open = () => {
    if (!opened) throw new Error('inProcessConsumers: used before its beforeAll ran');
    return opened;
  };

  beforeAll(async () => {
    Logger.overrideLogger(['error']);
    const connection = await mongoose.createConnection(config.MONGO_URL, { dbName: config.MONGO_DB }).asPromise();
    const inbox = new MongoInbox(connection);
    await inbox.onModuleInit();
    const client = new KafkaClient(config);
    opened = { connection, inbox, client, producer: new KafkaProducer(client) };
    await publisher.connect();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(transports.map((transport) => transport.close()));
    await opened?.producer.onApplicationShutdown();
    await opened?.client.onApplicationShutdown();
    await publisher.disconnect();
    await opened?.connection.dropDatabase();
    await opened?.connection.close();
  }, 60_000);

  return {
    /** The environment the config was loaded from (for a command run against the same database). */
    env,
    config,
    kafka,
    /** A plain producer for the spec's own messages. */
    publisher,
    get connection(): Connection {
      return open().connection;
    },
    get inbox(): MongoInbox {
      return open().inbox;
    },
    /**
     * A transport of group `groupId` (the service's options, starting at the end of the topic, or
     * where the group is, with `overrides` on top) handling `type` on `topic` with `handler`; resolves
     * once it is ready (positioned, and that start committed: see ConsumerPipeline.startAt).
     */
    async listen(
      groupId: string,
      [topic, type]: [Topic, string],
      handler: Handler,
      overrides: Partial<ConsumerOptions> = {},
      inbox: MongoInbox = open().inbox,
    ): Promise<KafkaConsumerTransport> {
      const transport = new KafkaConsumerTransport(open().client, open().producer, inbox, {
        ...consumerOptionsFrom(config, { inbox: 'mongo', groupId }),
        fromBeginning: false,
        ...overrides,
      });
      transports.push(transport);
      transport.addHandler(messagePattern(topic, type as never), handler as never, true);
      await new Promise<void>((resolve, reject) => transport.listen((error) => (error ? reject(error as Error) : resolve())));
      await waitFor(
        () => transport.consumerState().running,
        30_000,
        () => `${groupId} to be positioned`,
      );
      return transport;
    },
  };
}
