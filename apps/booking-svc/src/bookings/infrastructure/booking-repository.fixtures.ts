import mongoose, { type Connection, type Model } from 'mongoose';
import { KafkaClient, KafkaProducer } from '@bp/messaging';
import { AggregateStore, OutboxRelay } from '@bp/outbox';
import { DatabaseServiceConfig, ReadinessRegistry } from '@bp/platform';
import { dropScratchDatabase, infraEnv, uniqueSuffix } from '@bp/testing';
import { BookingRepository } from './booking.repository.js';
import { BOOKING_MODEL, type BookingDocument, BookingSchema } from './booking.schema.js';

export interface ScratchBookings {
  connection: Connection;
  model: Model<BookingDocument>;
  repository: BookingRepository;
}

/**
 * For an integration spec: a BookingRepository on a database of its own on the real engine, its outbox
 * relay publishing to the real Kafka; made before the spec's tests, dropped after them. The fields are
 * set once `beforeAll` has run.
 */
export function scratchBookings(name: string): ScratchBookings {
  const config = Object.assign(new DatabaseServiceConfig(), { KAFKA_BROKERS: infraEnv().KAFKA_BROKERS, MONGO_URL: infraEnv().MONGO_URL });
  const client = new KafkaClient(config);
  const producer = new KafkaProducer(client);
  const scratch = {} as ScratchBookings;
  let relay: OutboxRelay;

  beforeAll(async () => {
    scratch.connection = await mongoose.createConnection(config.MONGO_URL, { dbName: `${name}_${uniqueSuffix()}` }).asPromise();
    scratch.model = scratch.connection.model<BookingDocument>(BOOKING_MODEL, BookingSchema);
    await scratch.model.init();
    relay = new OutboxRelay([scratch.model as never], producer, config, new ReadinessRegistry());
    scratch.repository = new BookingRepository(scratch.model, new AggregateStore(scratch.model, relay));
  }, 60_000);

  afterAll(async () => {
    await relay.onApplicationShutdown(); // lets the publishes the writes started finish
    await producer.onApplicationShutdown();
    await client.onApplicationShutdown();
    await dropScratchDatabase(scratch.connection);
  });

  return scratch;
}
