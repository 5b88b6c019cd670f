import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import mongoose, { type Connection, type Model, Schema } from 'mongoose';
import { Topics } from '@bp/contracts';
import { KafkaClient, KafkaProducer, type OutgoingMessage } from '@bp/messaging';
import { DatabaseServiceConfig, ReadinessRegistry } from '@bp/platform';
import { type TopicProbe, infraEnv, probeTopic, slotReserved, uniqueSuffix, waitFor, dropScratchDatabase } from '@bp/testing';
import { OutboxRelay } from './outbox-relay.js';
import { type OutboxFields, outboxOnInsert, withOutboxFields, withOutboxUpdate } from './outbox.schema.js';

interface Probe extends OutboxFields {
  _id: string;
  name: string;
}

/** The real producer with a hook that runs just before each send: where a crash or a concurrent writer would strike. */
class HookedProducer extends KafkaProducer {
  beforeSend?: () => Promise<void>;

  override async send(messages: OutgoingMessage[]): Promise<void> {
    const hook = this.beforeSend;
    this.beforeSend = undefined;
    await hook?.();
    return super.send(messages);
  }
}

describe('OutboxRelay on the real MongoDB-compatible server and Kafka', () => {
  const config = Object.assign(new DatabaseServiceConfig(), { KAFKA_BROKERS: infraEnv().KAFKA_BROKERS, MONGO_URL: infraEnv().MONGO_URL });
  let connection: Connection;
  let model: Model<Probe>;
  let probe: TopicProbe;
  const producers: KafkaProducer[] = [];
  const clients: KafkaClient[] = [];

  function kafkaClient(): KafkaClient {
    const client = new KafkaClient(config);
    clients.push(client);
    return client;
  }

  function relay(producer: KafkaProducer = new KafkaProducer(kafkaClient())): OutboxRelay {
    producers.push(producer);
    return new OutboxRelay([model as never], producer, config, new ReadinessRegistry());
  }

  // The topic is shared with other specs (some send deliberately broken records): match on the id only.
  const published = (eventId: string) => probe.records.filter((r) => r.value?.includes(`"eventId":"${eventId}"`));

  beforeAll(async () => {
    connection = await mongoose.createConnection(config.MONGO_URL, { dbName: `outbox_${uniqueSuffix()}` }).asPromise();
    model = connection.model<Probe>('OutboxProbe', withOutboxFields(new Schema<Probe>({ _id: String, name: String })), 'outbox_probes');
    probe = await probeTopic(Topics.bookingEvents);
  }, 60_000);

  afterAll(async () => {
    await probe?.stop();
    await Promise.all(producers.map((p) => p.onApplicationShutdown()));
    await Promise.all(clients.map((c) => c.onApplicationShutdown()));
    await dropScratchDatabase(connection);
  }, 30_000);

  it('publishes, exactly once, what a writer that crashed before publishing left behind, even with two relays sweeping at once', async () => {
    // The crashed process got as far as its single-document write: state and outbox entry, no publish.
    const id = randomUUID();
    const event = slotReserved(id);
    await model.create({ _id: id, name: 'written before the crash', ...outboxOnInsert([event]) });

    const [first, second] = await Promise.all([relay().sweep(0), relay().sweep(0)]);

    expect(first + second).toBe(1);
    await waitFor(
      () => published(event.envelope.eventId).length > 0,
      15_000,
      () => 'the recovered event',
    );
    await probe.caughtUp(); // both sweeps are done: everything they published is on the topic, read up to its end
    expect(published(event.envelope.eventId)).toHaveLength(1);
    const document = await model.findById(id).lean();
    expect(document?.outbox).toEqual([]);
    expect(document).not.toHaveProperty('outboxPendingSince');
    expect(document).not.toHaveProperty('outboxPending');
    expect(document).not.toHaveProperty('outboxLockedUntil');
    expect(await relay().lag()).toEqual({ pendingDocuments: 0, oldestAgeSeconds: 0 });
  }, 30_000);

  it('does not drop an event appended by another write while the relay was publishing', async () => {
    const id = randomUUID();
    const first = slotReserved(id);
    const appended = slotReserved(id);
    await model.create({ _id: id, name: 'v1', ...outboxOnInsert([first]) });
    const producer = new HookedProducer(kafkaClient());
    producer.beforeSend = async () => {
      await model.updateOne({ _id: id }, withOutboxUpdate({ $set: { name: 'v2' } }, [appended]));
    };

    await relay(producer).sweep(0);

    await waitFor(
      () => published(appended.envelope.eventId).length > 0,
      15_000,
      () => 'the appended event',
    );
    expect(published(first.envelope.eventId)).toHaveLength(1);
    expect(published(appended.envelope.eventId)).toHaveLength(1);
    const document = await model.findById(id).lean();
    expect(document).toMatchObject({ name: 'v2', outbox: [], outboxRevision: 2 });
    expect(document).not.toHaveProperty('outboxPendingSince');
  }, 30_000);

  it('sends a write’s events and history records once when a later write landed before its publish could clear them', async () => {
    const id = randomUUID();
    const [first, second] = [slotReserved(id), slotReserved(id)];
    const history = (n: number) => ({ collection: 'outbox_probe_history', document: { _id: `${id}:${n}`, n } });
    const inserted = jest.spyOn(connection.collection('outbox_probe_history'), 'insertMany');
    const written = { _id: id, name: 'v1', ...outboxOnInsert([first], new Date(), [history(1)]) };
    await model.create(written);
    let later: unknown;
    const producer = new HookedProducer(kafkaClient());
    // The second write lands while the first publish is under way: its clear matches nothing, and the second write's document carries both.
    producer.beforeSend = async () => {
      later = await model
        .findOneAndUpdate({ _id: id }, withOutboxUpdate({ $set: { name: 'v2' } }, [second], new Date(), [history(2)]), { returnDocument: 'after' })
        .lean();
    };
    const publisher = relay(producer);

    publisher.publishSoon(model, id, written);
    await publisher.onApplicationShutdown(); // waits for the publish in flight
    publisher.publishSoon(model, id, later as object);
    await publisher.onApplicationShutdown();

    await waitFor(
      () => published(second.envelope.eventId).length > 0,
      15_000,
      () => 'the second event',
    );
    await probe.caughtUp(); // the relay is shut down: everything it published is on the topic, read up to its end
    expect(published(first.envelope.eventId)).toHaveLength(1);
    expect(published(second.envelope.eventId)).toHaveLength(1);
    expect(inserted.mock.calls.map(([documents]) => (documents as unknown as Array<{ _id: string }>).map((d) => d._id))).toEqual([[`${id}:1`], [`${id}:2`]]);
    expect(await connection.collection('outbox_probe_history').countDocuments({ _id: { $in: [`${id}:1`, `${id}:2`] } } as never)).toBe(2);
    expect(await model.findById(id).lean()).toMatchObject({ name: 'v2', outbox: [] });
  }, 30_000);

  it('keeps the entries pending when Kafka does not acknowledge, and the next sweep publishes them', async () => {
    const id = randomUUID();
    const event = slotReserved(id);
    await model.create({ _id: id, name: 'v1', ...outboxOnInsert([event]) });
    const producer = new HookedProducer(kafkaClient());
    producer.beforeSend = () => Promise.reject(new Error('broker unavailable'));
    const flaky = relay(producer);

    await flaky.sweep(0);
    const pending = await model.findById(id).lean();
    expect(pending?.outbox.map((e) => e.eventId)).toEqual([event.envelope.eventId]);
    expect(pending?.outboxPendingSince).toBeInstanceOf(Date);
    expect(pending?.outboxPending).toBe(true);

    // The failed attempt's claim must lapse before another sweep may take the document.
    await model.updateOne({ _id: id }, { $unset: { outboxLockedUntil: 1 } });
    await flaky.sweep(0);
    await waitFor(
      () => published(event.envelope.eventId).length > 0,
      15_000,
      () => 'the retried event',
    );
    expect((await model.findById(id).lean())?.outbox).toEqual([]);
  }, 30_000);
});
