import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Socket, connect } from 'node:net';
import { Kafka, logLevel, type ISocketFactory } from 'kafkajs';
import { Logger } from '@nestjs/common';
import { type KafkaClient, KafkaProducer, buildMessage } from '@bp/messaging';
import { infraEnv, probeTopic, testKafka, uniqueSuffix, waitFor } from '@bp/testing';

/** Kafka's request header starts with the request's size (int32) and its API key (int16); 0 is Produce. */
const PRODUCE_API_KEY = 0;

/**
 * Sockets to the real broker that can lose the answer to a produce request the broker has already
 * written — the connection drops on the way back, as when Kafka stops right after appending — and
 * then refuse connections until the broker is "back".
 */
class LossyConnections {
  private armed = false;
  private refusing = false;

  /** The next produce request is written by the broker but its answer never arrives; then nothing connects until `heal`. */
  loseNextProduceAnswer(): void {
    this.armed = true;
  }

  heal(): void {
    this.refusing = false;
  }

  readonly factory: ISocketFactory = ({ host, port, onConnect }) => {
    // Port 1 on loopback has no listener: a refused connection, as from a stopped broker.
    const socket: Socket = this.refusing ? connect({ host: '127.0.0.1', port: 1 }, onConnect) : connect({ host, port }, onConnect);
    let awaitingLostAnswer = false;
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
    socket.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (this.armed && Buffer.isBuffer(chunk) && chunk.length >= 6 && chunk.readInt16BE(4) === PRODUCE_API_KEY) {
        this.armed = false;
        awaitingLostAnswer = true;
      }
      return write(chunk, ...rest);
    }) as Socket['write'];
    const emit = socket.emit.bind(socket) as (event: string | symbol, ...args: unknown[]) => boolean;
    socket.emit = ((event: string | symbol, ...args: unknown[]) => {
      if (event === 'data' && awaitingLostAnswer) {
        awaitingLostAnswer = false;
        this.refusing = true;
        socket.destroy(new Error('connection lost (injected)'));
        return true;
      }
      return emit(event, ...args);
    }) as Socket['emit'];
    return socket;
  };
}

/**
 * The producer every outbox relay and consumer uses, against the real broker, when a produce
 * request's answer is lost and Kafka then stays away for longer than the producer retries: that send
 * fails (the relay keeps its entries and sends them again), and every later send must still arrive.
 * With kafkajs's idempotent producer it did not: the failed request's sequence numbers were handed
 * out again, so the broker took the next message for a repeat of the written one and dropped it
 * while acknowledging it — a patient's refund command was lost that way in the chaos run.
 */
describe('producer: a lost produce answer never makes a later message disappear', () => {
  const topic = `producer-failures-${uniqueSuffix()}`;
  const lossy = new LossyConnections();
  const kafka = new Kafka({
    clientId: `producer-failures-${uniqueSuffix()}`,
    brokers: infraEnv().KAFKA_BROKERS.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 3000,
    retry: { initialRetryTime: 100, retries: 2 },
    socketFactory: lossy.factory,
  });
  // The producer as services build it, on a client whose sockets this test controls (the topic exists already).
  const client = { kafka, ensureTopics: async () => undefined } as unknown as KafkaClient;
  const producer = new KafkaProducer(client);

  beforeAll(async () => {
    Logger.overrideLogger(['error']);
    const admin = testKafka().admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: -1 }], waitForLeaders: true });
    await admin.disconnect();
  }, 60_000);

  afterAll(async () => {
    await producer.onApplicationShutdown();
  }, 30_000);

  const message = (name: string) => buildMessage(topic as never, name as never, { bookingId: name } as never, { id: `booking-${randomUUID()}`, version: 1 });

  it('delivers a message sent after a send whose answer was lost and whose retries ran out', async () => {
    await producer.send([message('warm-up')]);

    lossy.loseNextProduceAnswer();
    await expect(producer.send([message('written-but-unanswered')])).rejects.toThrow();

    lossy.heal();
    const after = [message('refund-after-outage'), message('another-after-outage')];
    for (const next of after) await producer.send([next]);

    const probe = await probeTopic(topic);
    try {
      const eventIds = () => probe.records.map((record) => record.headers['x-event-id']);
      await waitFor(
        () => after.every((m) => eventIds().includes(m.envelope.eventId)),
        30_000,
        () => `every message sent after the lost answer on the topic; it has ${JSON.stringify(probe.records.map((r) => r.value))}`,
      );
    } finally {
      await probe.stop();
    }
  }, 90_000);
});
