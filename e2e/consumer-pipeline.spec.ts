import 'reflect-metadata';
import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import { Topics } from '@bp/contracts';
import { type ConsumerOptions, MongoInbox, type OutgoingMessage, UNCHANGED, buildMessage } from '@bp/messaging';
import { metricsRegistry } from '@bp/platform';
import { publishMessages, waitFor } from '@bp/testing';
import { inProcessConsumers } from './support/in-process-consumers.js';
import { parseExposition } from './support/scrape.js';

const TOPIC = Topics.bookingEvents;

/** A gate a handler waits at until the test opens it: "slow" without a clock. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

/**
 * The consumer transport as a service runs it (its config from the environment, the MongoDB inbox),
 * in this process so its handler can be slow for one key on purpose, on the real broker. Every message
 * is sent to partition 0, so that several keys share one partition. The topic is shared with other
 * runs: the handler records only this run's aggregates.
 */
describe('consumer pipeline on Kafka: a slow key holds only itself', () => {
  const consumers = inProcessConsumers('consumer-pipeline', 4190);
  const { kafka, publisher } = consumers;
  const admin = kafka.admin();

  beforeAll(() => admin.connect(), 60_000);
  afterAll(() => admin.disconnect(), 60_000);

  /** A consumer in a group of its own, starting at the end of the topic; `handle` sees only this run's messages of `run`. */
  async function consume(
    run: string,
    handle: (key: string, seq: number, offset: string) => Promise<void>,
    overrides: Partial<ConsumerOptions> = {},
    inboxOfProcess: MongoInbox = consumers.inbox,
  ) {
    const group = `consumer-pipeline-${run}`;
    const transport = await consumers.listen(
      group,
      [TOPIC, 'SlotReserved'],
      async (envelope, context) => {
        const [prefix, key] = envelope.aggregateId.split('/');
        if (prefix === run) await handle(key!, envelope.aggregateVersion, context.offset);
      },
      overrides,
      inboxOfProcess,
    );
    const committed = async () => {
      const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [TOPIC] });
      return BigInt(offsets!.partitions.find((p) => p.partition === 0)!.offset);
    };
    const delivered = async () =>
      parseExposition(await metricsRegistry.metrics()).value('messaging_delivery_seconds_count', { topic: TOPIC, type: 'SlotReserved', group });
    return { transport, committed, delivered };
  }

  /** Message `seq` (its aggregate version) of aggregate `run/key`. */
  function reserved(run: string, key: string, seq: number): OutgoingMessage {
    const at = new Date(Date.now() + 86_400_000).toISOString();
    const id = `${run}/${key}`;
    return buildMessage(
      TOPIC,
      'SlotReserved',
      { reservationId: `${id}/${seq}`, providerId: 'provider-1', patientId: 'patient-1', serviceId: 'svc-consult', startTime: at, endTime: at, expiresAt: at },
      { id, version: seq },
    );
  }

  /** Sends the messages to partition 0 in one request; returns the first one's offset (the rest follow it). */
  async function sendToOnePartition(messages: OutgoingMessage[]): Promise<bigint> {
    const [sent] = await publishMessages(publisher, messages, { partition: 0 });
    return BigInt(sent!.baseOffset!);
  }

  const sequencesOf = (handled: Array<{ key: string; seq: number }>, key: string) => handled.filter((h) => h.key === key).map((h) => h.seq);

  it('handles the other keys while one key’s first message is slow, keeps every key in order, and commits up to the slow message, then past everything', async () => {
    const run = `run-${randomUUID()}`;
    const slow = gate();
    const handled: Array<{ key: string; seq: number }> = [];
    const { committed, delivered } = await consume(run, async (key, seq) => {
      if (key === 'slow' && seq === 1) await slow.wait;
      handled.push({ key, seq });
    });
    expect(await delivered()).toBe(0); // the delivery histogram's series exists before the first message
    const keys = ['slow', 'k1', 'k2', 'k3', 'k4', 'k5'];
    const seqs = [1, 2, 3, 4, 5, 6];
    const messages = seqs.flatMap((seq) => keys.map((key) => reserved(run, key, seq)));
    const first = await sendToOnePartition(messages); // slow's first message

    await waitFor(
      () => handled.length === (keys.length - 1) * seqs.length,
      30_000,
      () => `the other keys' messages while the slow one waits (handled ${handled.length})`,
    );
    expect(handled.filter((h) => h.key === 'slow')).toEqual([]);
    await waitFor(
      async () => (await committed()) >= first,
      30_000,
      () => 'the commit up to the slow message',
    );
    expect(await committed()).toBe(first); // not past the unfinished message

    slow.open();
    await waitFor(
      () => handled.length === messages.length,
      30_000,
      () => `every message (handled ${handled.length})`,
    );
    for (const key of keys) expect(sequencesOf(handled, key)).toEqual(seqs);
    await waitFor(
      async () => (await committed()) >= first + BigInt(messages.length),
      30_000,
      () => 'the commit past the last message',
    );
    expect(await delivered()).toBeGreaterThanOrEqual(messages.length); // and whatever else this group handled on the shared topic
  }, 120_000);

  it('pauses a partition whose window is full behind the slow message, and goes on in order once it finishes', async () => {
    const run = `run-${randomUUID()}`;
    const window = 8;
    const slow = gate();
    const handled: Array<{ key: string; seq: number }> = [];
    const startedOffsets: bigint[] = [];
    const { transport, committed } = await consume(
      run,
      async (key, seq, offset) => {
        startedOffsets.push(BigInt(offset));
        if (key === 'slow' && seq === 1) await slow.wait;
        handled.push({ key, seq });
      },
      { maxInFlightPerPartition: window },
    );
    const others = Array.from({ length: 4 * window }, (_, i) => reserved(run, `k${i % 4}`, Math.floor(i / 4) + 1));
    const messages = [reserved(run, 'slow', 1), ...others, reserved(run, 'slow', 2)];
    const first = await sendToOnePartition(messages);

    const paused = () => transport.unwrap<Consumer>().paused();
    await waitFor(
      () => paused().some(({ topic, partitions }) => topic === TOPIC && partitions.includes(0)),
      30_000,
      () => 'partition 0 to be paused',
    );
    // Nothing at or past the window's end was taken while the slow message holds it.
    expect(startedOffsets.every((offset) => offset < first + BigInt(window))).toBe(true);
    expect(handled.length).toBeLessThan(window);

    slow.open();
    await waitFor(
      () => handled.length === messages.length,
      30_000,
      () => `every message after the resume (handled ${handled.length})`,
    );
    expect(sequencesOf(handled, 'slow')).toEqual([1, 2]);
    for (const key of ['k0', 'k1', 'k2', 'k3']) expect(sequencesOf(handled, key)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    await waitFor(
      async () => (await committed()) >= first + BigInt(messages.length),
      30_000,
      () => 'the commit past the last message',
    );
  }, 120_000);

  it('lets the messages in flight finish on close, commits them, and takes nothing fetched after', async () => {
    const run = `run-${randomUUID()}`;
    const slow = gate();
    const handled: Array<{ key: string; seq: number }> = [];
    const { transport, committed } = await consume(
      run,
      async (key, seq) => {
        if (key === 'slow') await slow.wait;
        handled.push({ key, seq });
      },
      { drainTimeoutMs: 60_000 },
    );
    const messages = [reserved(run, 'slow', 1), reserved(run, 'k1', 1), reserved(run, 'slow', 2), reserved(run, 'k1', 2)];
    const first = await sendToOnePartition(messages);
    await waitFor(
      () => handled.length === 2,
      30_000,
      () => `k1's messages (handled ${handled.length})`,
    );

    const closed = transport.close();
    await sendToOnePartition([reserved(run, 'late', 1)]);
    slow.open();
    await closed;

    expect(handled).toEqual([
      { key: 'k1', seq: 1 },
      { key: 'k1', seq: 2 },
      { key: 'slow', seq: 1 },
      { key: 'slow', seq: 2 },
    ]);
    expect(await committed()).toBeGreaterThanOrEqual(first + BigInt(messages.length));
  }, 120_000);

  it('commits where a group that starts at the end begins once ready, so a restart before its first message skips nothing', async () => {
    const run = `run-${randomUUID()}`;
    const handled: string[] = [];
    const end = (await admin.fetchTopicOffsets(TOPIC)).find((p) => p.partition === 0)!.high;
    const first = await consume(run, async (key, seq) => void handled.push(`${key}/${seq}`));
    // Ready means the start is the group's: without that commit, the next member would look for "the end" again.
    expect(await first.committed()).toBeGreaterThanOrEqual(BigInt(end));
    await first.transport.close();

    const whileDown = await sendToOnePartition([reserved(run, 'a', 1)]);
    const second = await consume(run, async (key, seq) => void handled.push(`${key}/${seq}`));
    await waitFor(
      () => handled.length === 1,
      30_000,
      () => 'the message published while the group had no member',
    );
    expect(handled).toEqual(['a/1']);
    await waitFor(
      async () => (await second.committed()) > whileDown,
      30_000,
      () => 'its commit',
    );
  }, 120_000);

  it('records a handled message in the inbox, and none whose handler answered that it changed nothing', async () => {
    const run = `run-${randomUUID()}`;
    const group = `consumer-pipeline-${run}`;
    const handled: number[] = [];
    await consumers.listen(group, [TOPIC, 'SlotReserved'], async (envelope) => {
      if (!envelope.aggregateId.startsWith(`${run}/`)) return UNCHANGED;
      handled.push(envelope.aggregateVersion);
      return envelope.aggregateVersion === 1 ? UNCHANGED : undefined;
    });
    // One key: the second is handled (and recorded) only after the first is finished, inbox and all.
    const [unchanged, changed] = [reserved(run, 'k', 1), reserved(run, 'k', 2)];
    await sendToOnePartition([unchanged, changed]);

    const inbox = consumers.connection.collection('inbox');
    await waitFor(
      async () => (await inbox.countDocuments({ group, eventId: changed.envelope.eventId })) === 1,
      30_000,
      () => `the inbox record of the message that changed something (handled ${handled.join(', ')})`,
    );
    expect(handled).toEqual([1, 2]);
    expect(await inbox.countDocuments({ group, eventId: unchanged.envelope.eventId })).toBe(0);
  }, 60_000);

  it('asks the inbox collection about messages redelivered after a restart, and only its memory about copies published later', async () => {
    const run = `run-${randomUUID()}`;
    const group = `consumer-pipeline-${run}`;
    const handled: string[] = [];
    const first = await consume(run, async (key, seq) => void handled.push(`${key}/${seq}`));
    const [a, b, c] = [reserved(run, 'a', 1), reserved(run, 'b', 1), reserved(run, 'c', 1)];
    const firstOffset = await sendToOnePartition([a, b]);
    await waitFor(
      () => handled.length === 2,
      30_000,
      () => `a and b (handled ${handled.join(', ')})`,
    );
    await first.transport.close();
    // The group consumes a and b again, as after a crash before the commit, in a new process with an empty memory.
    await admin.setOffsets({ groupId: group, topic: TOPIC, partitions: [{ partition: 0, offset: firstOffset.toString() }] });
    const restartedInbox = new MongoInbox(consumers.connection);
    await restartedInbox.onModuleInit();
    const lookups = jest.spyOn(restartedInbox, 'hasProcessed');
    const second = await consume(run, async (key, seq) => void handled.push(`${key}/${seq}`), {}, restartedInbox);
    await waitFor(
      async () => (await second.committed()) >= firstOffset + 2n,
      30_000,
      () => 'a and b to be committed again',
    );
    await sendToOnePartition([c]);
    await waitFor(
      () => handled.length === 3,
      30_000,
      () => `c (handled ${handled.join(', ')})`,
    );
    const copyOffset = await sendToOnePartition([c]); // the outbox relay publishing c again
    await waitFor(
      async () => (await second.committed()) > copyOffset,
      30_000,
      () => 'the copy of c to be committed',
    );

    expect([...handled].sort()).toEqual(['a/1', 'b/1', 'c/1']); // different keys: in any order
    expect(lookups.mock.calls.map(([, eventId]) => eventId).sort()).toEqual([a.envelope.eventId, b.envelope.eventId].sort());
    const records = await consumers.connection.collection('inbox').countDocuments({ group, eventId: { $in: [a, b, c].map((m) => m.envelope.eventId) } });
    expect(records).toBe(3);
  }, 120_000);
});
