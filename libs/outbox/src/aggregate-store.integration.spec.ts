import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import mongoose, { type Connection, type Model, Schema } from 'mongoose';
import { Topics } from '@bp/contracts';
import { KafkaClient, KafkaProducer, type OutgoingMessage } from '@bp/messaging';
import { DatabaseServiceConfig, DuplicateKeyConflict, ReadinessRegistry, VersionConflict } from '@bp/platform';
import { infraEnv, probeTopic, slotReserved, uniqueSuffix, waitFor, dropScratchDatabase } from '@bp/testing';
import { AggregateStore } from './aggregate-store.js';
import { OutboxRelay } from './outbox-relay.js';
import { type OutboxFields, withOutboxFields, withOutboxUpdate } from './outbox.schema.js';

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
    await dropScratchDatabase(connection);
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

  describe('the clear after a publish', () => {
    /** A relay of its own: the tests above shut the shared one down, which clears at once from then on. */
    function storeWithClearDelay(delayMs: number) {
      const own = new OutboxRelay(
        [model as never],
        producer,
        Object.assign(new DatabaseServiceConfig(), config, { OUTBOX_CLEAR_DELAY_MS: delayMs }),
        new ReadinessRegistry(),
      );
      return { relay: own, store: new AggregateStore(model, own) };
    }
    const entries = async (id: string) => (await stored(id))?.outbox.map((entry) => entry.eventId);
    const cleared = (id: string) =>
      waitFor(
        async () => (await entries(id))?.length === 0,
        15_000,
        () => 'the outbox cleared',
      );

    it('rides on the document’s next write: no write of its own, and every event published once', async () => {
      const { relay: own, store: writer } = storeWithClearDelay(1500);
      const id = randomUUID();
      const [first, second] = [slotReserved(id), slotReserved(id)];
      const clears = jest.spyOn(model, 'updateOne');
      try {
        await writer.insert({ _id: id, ticket: `t-${id}`, version: 1 }, [first]);
        await own.whenPublished();
        await waitForPublished(first);
        expect(await entries(id)).toEqual([first.envelope.eventId]); // sent, its clear held for the next write

        const result = await writer.update({ _id: id, version: 1 }, { $set: { version: 2 } }, [second]);

        expect(result.ok).toBe(true);
        expect(await entries(id)).toEqual([second.envelope.eventId]);
        await waitForPublished(second);
        await own.onApplicationShutdown(); // makes the clear still held
        expect(clears.mock.calls.filter(([filter]) => (filter as { _id?: string })._id === id)).toHaveLength(1);
      } finally {
        clears.mockRestore();
      }
      await probe.caughtUp();
      expect(published(first)).toHaveLength(1);
      expect(published(second)).toHaveLength(1);
      expect(await stored(id)).toMatchObject({ version: 2, outbox: [], outboxRevision: 2 });
      expect(await stored(id)).not.toHaveProperty('outboxPending');
    }, 30_000);

    it('rides on a change that publishes nothing as well', async () => {
      const { relay: own, store: writer } = storeWithClearDelay(1500);
      const id = randomUUID();
      const event = slotReserved(id);
      const writes = jest.spyOn(model, 'updateOne');
      try {
        await writer.insert({ _id: id, ticket: `t-${id}`, version: 1 }, [event]);
        await own.whenPublished();

        expect(await writer.change({ _id: id, version: 1 }, { $set: { version: 2 } })).toBe(true);

        await own.onApplicationShutdown();
        expect(writes.mock.calls.filter(([filter]) => (filter as { _id?: string })._id === id)).toHaveLength(1); // the change, carrying the clear
      } finally {
        writes.mockRestore();
      }
      expect(await stored(id)).toMatchObject({ version: 2, outbox: [], outboxRevision: 1 });
      expect(await stored(id)).not.toHaveProperty('outboxPending');
      await waitForPublished(event);
    }, 30_000);

    it('is made by the relay when no write follows in time', async () => {
      const { relay: own, store: writer } = storeWithClearDelay(100);
      const id = randomUUID();
      const event = slotReserved(id);

      await writer.insert({ _id: id, ticket: `t-${id}`, version: 1 }, [event]);

      await cleared(id);
      await own.onApplicationShutdown();
      await probe.caughtUp();
      expect(published(event)).toHaveLength(1);
      expect(await stored(id)).not.toHaveProperty('outboxPending');
    }, 30_000);

    it('is not carried by a write that finds an entry appended since (another replica’s): that entry and the write’s own are kept and published', async () => {
      const { relay: own, store: writer } = storeWithClearDelay(1500);
      const id = randomUUID();
      const [first, theirs, ours] = [slotReserved(id), slotReserved(id), slotReserved(id)];
      await writer.insert({ _id: id, ticket: `t-${id}`, version: 1 }, [first]);
      await own.whenPublished();
      await model.updateOne({ _id: id }, withOutboxUpdate({ $set: { ticket: `t2-${id}` } }, [theirs]));

      const result = await writer.update({ _id: id, version: 1 }, { $set: { version: 2 } }, [ours]);

      expect(result.ok).toBe(true);
      expect(await entries(id)).toEqual([first, theirs, ours].map((m) => m.envelope.eventId));
      await waitForPublished(ours);
      await own.onApplicationShutdown();
      await probe.caughtUp();
      expect(published(first)).toHaveLength(1); // remembered as sent
      expect(published(theirs)).toHaveLength(1);
      expect(published(ours)).toHaveLength(1);
      expect(await stored(id)).toMatchObject({ ticket: `t2-${id}`, version: 2, outbox: [] });
    }, 30_000);

    it('still waits when the write that took it was refused (a VersionConflict), and is made later', async () => {
      const { relay: own, store: writer } = storeWithClearDelay(100);
      const id = randomUUID();
      const [first, refused] = [slotReserved(id), slotReserved(id)];
      await writer.insert({ _id: id, ticket: `t-${id}`, version: 1 }, [first]);
      await own.whenPublished();

      const result = await writer.update({ _id: id, version: 7 }, { $set: { version: 8 } }, [refused]);

      expect(result.ok || result.conflict).toBeInstanceOf(VersionConflict);
      await cleared(id);
      await own.onApplicationShutdown();
      await probe.caughtUp();
      expect(published(first)).toHaveLength(1);
      expect(published(refused)).toHaveLength(0);
      expect(await stored(id)).toMatchObject({ version: 1, outbox: [], outboxRevision: 1 });
    }, 30_000);
  });

  it('applies a change that publishes nothing as one plain conditional update, and says when it did not apply', async () => {
    const id = randomUUID();
    await store.insert({ _id: id, ticket: `t-${id}`, version: 1 });

    expect(await store.change({ _id: id, version: 1 }, { $set: { version: 2 } })).toBe(true);
    expect(await store.change({ _id: id, version: 1 }, { $set: { version: 3 } })).toBe(false); // read at a version no longer current
    expect(await stored(id)).toMatchObject({ version: 2, outbox: [] });
    expect(await stored(id)).not.toHaveProperty('outboxPending');
  }, 30_000);
});
