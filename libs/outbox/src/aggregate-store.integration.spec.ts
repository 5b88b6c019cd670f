import { randomUUID } from 'node:crypto';
import mongoose, { type Connection, type Model, Schema } from 'mongoose';
import { Topics } from '@bp/contracts';
import { KafkaClient, KafkaProducer, type OutgoingMessage } from '@bp/messaging';
import { DatabaseServiceConfig, DuplicateKeyConflict, ReadinessRegistry, VersionConflict } from '@bp/platform';
import { infraEnv, probeTopic, slotReserved, uniqueSuffix, waitFor } from '@bp/testing';
import { AggregateStore } from './aggregate-store.js';
import { OutboxRelay } from './outbox-relay.js';
import { type OutboxFields, withOutboxFields } from './outbox.schema.js';

interface Appointment extends OutboxFields {
  _id: string;
  ticket: string;
  version: number;
}

const OUTBOX_FIELDS = ['outbox', 'outboxRecords', 'outboxPending', 'outboxPendingSince', 'outboxLockedUntil', 'outboxRevision'];

describe('AggregateStore on the real MongoDB-compatible server and Kafka', () => {
  const config = Object.assign(new DatabaseServiceConfig(), { KAFKA_BROKERS: infraEnv().KAFKA_BROKERS, MONGO_URL: infraEnv().MONGO_URL });
  let connection: Connection;
  let model: Model<Appointment>;
  let kafka: KafkaClient;
  let producer: KafkaProducer;
  let relay: OutboxRelay;
  let store: AggregateStore<Appointment>;
  let probe: Awaited<ReturnType<typeof probeTopic>>;

  const published = (message: OutgoingMessage) => probe.records.filter((r) => r.value?.includes(`"eventId":"${message.envelope.eventId}"`));
  const waitForPublished = (message: OutgoingMessage) =>
    waitFor(
      () => published(message).length > 0,
      15_000,
      () => `event ${message.envelope.eventId}`,
    );
  const stored = (id: string) => model.findById(id).lean();

  beforeAll(async () => {
    connection = await mongoose.createConnection(config.MONGO_URL, { dbName: `aggregate_store_${uniqueSuffix()}` }).asPromise();
    const schema = withOutboxFields(new Schema<Appointment>({ _id: String, ticket: String, version: Number }, { versionKey: false }));
    schema.index({ ticket: 1 }, { unique: true });
    model = connection.model<Appointment>('Appointment', schema, 'appointments');
    await model.createIndexes();
    kafka = new KafkaClient(config);
    producer = new KafkaProducer(kafka);
    relay = new OutboxRelay([model as never], producer, config, new ReadinessRegistry());
    store = new AggregateStore(model, relay);
    probe = await probeTopic(Topics.bookingEvents);
  }, 60_000);

  afterAll(async () => {
    await relay?.onApplicationShutdown();
    await probe?.stop();
    await producer?.onApplicationShutdown();
    await kafka?.onApplicationShutdown();
    await connection?.dropDatabase();
    await connection?.close();
  }, 30_000);

  it('inserts the aggregate with its messages in one write and publishes them at once, without a sweep', async () => {
    const id = randomUUID();
    const event = slotReserved(id);

    const result = await store.insert({ _id: id, ticket: `t-${id}`, version: 1 }, [event]);

    expect(result).toEqual({ ok: true, document: { _id: id, ticket: `t-${id}`, version: 1 } });
    await waitForPublished(event);
    await relay.onApplicationShutdown(); // the publish clears the outbox once Kafka acknowledged
    expect(published(event)).toHaveLength(1);
    expect(await stored(id)).toMatchObject({ ticket: `t-${id}`, outbox: [], outboxRevision: 1 });
  }, 30_000);

  it('answers a value a unique index holds already (the id, or another key) with a DuplicateKeyConflict, and stores nothing of the write', async () => {
    const [first, second] = [randomUUID(), randomUUID()];
    await store.insert({ _id: first, ticket: `t-${first}`, version: 1 });

    const sameId = await store.insert({ _id: first, ticket: `t-${second}`, version: 1 }, [slotReserved(first)]);
    const sameTicket = await store.insert({ _id: second, ticket: `t-${first}`, version: 1 }, [slotReserved(second)]);

    expect(sameId.ok || sameId.conflict).toBeInstanceOf(DuplicateKeyConflict);
    expect(sameTicket.ok || sameTicket.conflict).toBeInstanceOf(DuplicateKeyConflict);
    expect(await stored(first)).toMatchObject({ ticket: `t-${first}`, outbox: [], outboxRevision: 0 });
    expect(await stored(first)).not.toHaveProperty('outboxPending');
    expect(await stored(second)).toBeNull();
  });

  it('applies a conditional change with its messages and audit records, and returns the state without the outbox fields', async () => {
    const id = randomUUID();
    await store.insert({ _id: id, ticket: `t-${id}`, version: 1 });
    const event = slotReserved(id);
    const record = { collection: 'appointment_history', document: { _id: `${id}:2`, version: 2 } };

    const result = await store.update({ _id: id, version: 1 }, { $set: { version: 2 } }, [event], { records: [record] });

    expect(result).toEqual({ ok: true, document: { _id: id, ticket: `t-${id}`, version: 2 } });
    await waitForPublished(event);
    await relay.onApplicationShutdown();
    expect(await connection.collection('appointment_history').findOne({ _id: `${id}:2` } as never)).toEqual(record.document);
    expect(await stored(id)).toMatchObject({ version: 2, outbox: [], outboxRevision: 1 });
  }, 30_000);

  it('lets exactly one of two changes made from the same version win; the other is a VersionConflict whose messages are never written', async () => {
    const id = randomUUID();
    await store.insert({ _id: id, ticket: `t-${id}`, version: 1 });
    const [a, b] = [slotReserved(id), slotReserved(id)];

    const results = await Promise.all([
      store.update({ _id: id, version: 1 }, { $set: { version: 2 } }, [a]),
      store.update({ _id: id, version: 1 }, { $set: { version: 2 } }, [b]),
    ]);

    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const lost = results.find((r) => !r.ok);
    expect(lost?.ok === false && lost.conflict).toBeInstanceOf(VersionConflict);
    expect(lost?.ok === false && lost.conflict).toMatchObject({ collection: 'appointments', id });
    const winner = results[0]!.ok ? a : b;
    const loser = winner === a ? b : a;
    await waitForPublished(winner);
    await relay.onApplicationShutdown();
    // Same key, same partition: the loser's event would have come before the winner's, had it been written.
    expect(published(loser)).toHaveLength(0);
    expect(await stored(id)).toMatchObject({ version: 2, outbox: [], outboxRevision: 1 });
  }, 30_000);

  it('creates the document an upsert names when there is none, and changes it when there is', async () => {
    const id = randomUUID();

    const created = await store.upsert(id, { $set: { ticket: `t-${id}`, version: 1 } });
    const event = slotReserved(id);
    const changed = await store.upsert(id, { $set: { version: 5 } }, [event]);

    expect(created).toEqual({ _id: id, ticket: `t-${id}`, version: 1 });
    expect(changed).toEqual({ _id: id, ticket: `t-${id}`, version: 5 });
    for (const field of OUTBOX_FIELDS) expect(changed).not.toHaveProperty(field);
    await waitForPublished(event);
  }, 30_000);

  it('applies a change that publishes nothing as one plain conditional update, and says when it did not apply', async () => {
    const id = randomUUID();
    await store.insert({ _id: id, ticket: `t-${id}`, version: 1 });

    expect(await store.change({ _id: id, version: 1 }, { $set: { version: 2 } })).toBe(true);
    expect(await store.change({ _id: id, version: 1 }, { $set: { version: 3 } })).toBe(false); // read at a version no longer current
    expect(await stored(id)).toMatchObject({ version: 2, outbox: [] });
    expect(await stored(id)).not.toHaveProperty('outboxPending');
  }, 30_000);
});
