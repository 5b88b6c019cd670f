import { Logger } from '@nestjs/common';
import fc from 'fast-check';
import type { KafkaMessage, TopicPartitionOffsetAndMetadata } from 'kafkajs';
import { ConsumerPipeline, type FetchedBatch, type PipelineConsumer, type PipelineOptions } from './consumer-pipeline.js';

const TOPIC = 'booking.events.v1';
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** The consumer's side: commits, and which partitions are paused. */
class FakeConsumer implements PipelineConsumer {
  readonly commits: TopicPartitionOffsetAndMetadata[][] = [];
  readonly paused = new Set<string>();
  /** Makes the next commit fail, as the group does during a rebalance. */
  refuseNextCommit = false;
  /** Called as a commit is sent: lets a test check what is finished at that moment. */
  onCommit?: (offsets: TopicPartitionOffsetAndMetadata[]) => void;

  async commitOffsets(offsets: TopicPartitionOffsetAndMetadata[]): Promise<void> {
    if (this.refuseNextCommit) {
      this.refuseNextCommit = false;
      throw Object.assign(new Error('The group is rebalancing'), { type: 'REBALANCE_IN_PROGRESS' });
    }
    this.onCommit?.(offsets);
    this.commits.push(offsets);
  }

  pause(topics: Array<{ topic: string; partitions?: number[] }>): void {
    for (const { topic, partitions } of topics) for (const partition of partitions ?? ['*']) this.paused.add(`${topic}:${partition}`);
  }

  resume(topics: Array<{ topic: string; partitions?: number[] }>): void {
    for (const { topic, partitions } of topics) for (const partition of partitions ?? ['*']) this.paused.delete(`${topic}:${partition}`);
  }

  committed(partition = 0): string | undefined {
    return this.commits.flat().findLast((c) => c.topic === TOPIC && c.partition === partition)?.offset;
  }
}

/** Message handling the test finishes by hand (or at once), recording starts and checking one key never runs twice at once. */
class Handling {
  readonly started: number[] = [];
  /** Per offset, whether the pipeline said the group may have handled it before (the last attempt's answer). */
  readonly maybeHandled = new Map<number, boolean>();
  readonly done = new Set<number>();
  readonly running = new Map<number, { key: string | null; finish: () => void; fail: (error: Error) => void }>();
  /** Keys seen running twice at once (recorded, not thrown: the pipeline would take a throw for a failure and retry). */
  readonly overlaps: string[] = [];
  autoFinish = false;

  readonly process = (_topic: string, _partition: number, message: KafkaMessage, maybeHandled: boolean): Promise<void> => {
    const offset = Number(message.offset);
    this.maybeHandled.set(offset, maybeHandled);
    const key = message.key?.toString() ?? null;
    if (key !== null && [...this.running.values()].some((r) => r.key === key)) this.overlaps.push(key);
    this.started.push(offset);
    if (this.autoFinish) {
      this.done.add(offset);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const settleWith = (outcome: () => void) => {
        this.running.delete(offset);
        outcome();
      };
      this.running.set(offset, {
        key,
        finish: () => settleWith(() => (this.done.add(offset), resolve())),
        fail: (error) => settleWith(() => reject(error)),
      });
    });
  };

  async finish(offset: number): Promise<void> {
    this.running.get(offset)!.finish();
    await settle();
  }
}

function fetched(messages: Array<{ offset: number; key?: string }>, partition = 0, highWatermark?: number): FetchedBatch & { resolved: string[] } {
  const resolved: string[] = [];
  return {
    resolved,
    batch: {
      topic: TOPIC,
      partition,
      ...(highWatermark === undefined ? {} : { highWatermark: String(highWatermark) }),
      messages: messages.map(({ offset, key }) => ({
        offset: String(offset),
        key: key === undefined ? null : Buffer.from(key),
        value: Buffer.from('{}'),
        timestamp: '0',
        attributes: 0,
        headers: {},
      })),
    },
    resolveOffset: (offset) => resolved.push(offset),
    isRunning: () => true,
    isStale: () => false,
  };
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function pipelineWith(options: Partial<PipelineOptions> = {}) {
  const consumer = new FakeConsumer();
  const handling = new Handling();
  const pipeline = new ConsumerPipeline(consumer, handling.process, {
    keyConcurrency: 16,
    maxInFlightPerPartition: 256,
    commitIntervalMs: 1,
    retryBackoffMs: 1,
    gatherMs: 0,
    ...options,
  });
  return { consumer, handling, pipeline };
}

describe('ConsumerPipeline', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('keeps each key in offset order, never commits past an unfinished message, and commits everything in the end', async () => {
    const message = fc.record({ key: fc.option(fc.constantFrom('a', 'b', 'c', 'd'), { nil: undefined, freq: 4 }), gap: fc.integer({ min: 1, max: 2 }) });
    await fc.assert(
      fc.asyncProperty(
        fc.array(message, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 2, max: 8 }),
        fc.array(fc.nat(), { maxLength: 120 }),
        async (specs, keyConcurrency, maxInFlightPerPartition, choices) => {
          const { consumer, handling, pipeline } = pipelineWith({ keyConcurrency, maxInFlightPerPartition });
          const messages = specs.reduce<Array<{ offset: number; key?: string }>>(
            (all, { key, gap }) => [...all, { offset: (all.at(-1)?.offset ?? -1) + gap, ...(key === undefined ? {} : { key }) }],
            [],
          );
          consumer.onCommit = (offsets) => {
            const committed = Number(offsets.find((o) => o.partition === 0)?.offset ?? 0);
            for (const { offset } of messages) if (offset < committed) expect(handling.done.has(offset)).toBe(true);
          };
          // kafkajs fetches from the position after the last resolved offset, and skips a paused partition.
          let position = 0;
          const fetch = async () => {
            if (consumer.paused.has(`${TOPIC}:0`)) return;
            const batch = fetched(messages.filter((m) => m.offset >= position).slice(0, 5));
            await pipeline.dispatch(batch);
            if (batch.resolved.length > 0) position = Number(batch.resolved.at(-1)) + 1;
          };
          for (const choice of choices) {
            if (choice % 2 === 0 || handling.running.size === 0) await fetch();
            else await handling.finish([...handling.running.keys()][choice % handling.running.size]!);
            await settle();
          }
          // Then fetch and finish everything; a message that is never fetched again would stop the progress.
          for (let round = 0; round <= messages.length && handling.done.size < messages.length; round++) {
            await fetch();
            while (handling.running.size > 0) await handling.finish([...handling.running.keys()][0]!);
          }
          await pipeline.commit();

          expect(consumer.committed()).toBe(String(messages.at(-1)!.offset + 1));
          expect(handling.overlaps).toEqual([]);
          expect([...handling.started].sort((x, y) => x - y)).toEqual(messages.map((m) => m.offset));
          for (const key of ['a', 'b', 'c', 'd']) {
            const ofKey = messages.filter((m) => m.key === key).map((m) => m.offset);
            expect(handling.started.filter((offset) => ofKey.includes(offset))).toEqual(ofKey);
          }
          await pipeline.drain([TOPIC], 1000);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('handles the other keys of a partition while one key’s message is slow, and commits up to that message only', async () => {
    const { consumer, handling, pipeline } = pipelineWith();
    await pipeline.dispatch(fetched(range(0, 12).map((offset) => ({ offset, key: offset % 4 === 0 ? 'slow' : `key-${offset % 3}` }))));
    await settle();
    for (const offset of range(1, 12).filter((o) => o % 4 !== 0)) await handling.finish(offset);
    await pipeline.commit();

    expect([...handling.started].sort((x, y) => x - y)).toEqual(range(0, 12).filter((o) => o % 4 !== 0 || o === 0));
    expect(consumer.committed()).toBe('0'); // offset 0 is unfinished: nothing past it is committed

    await handling.finish(0);
    await handling.finish(4);
    await pipeline.commit();
    expect(consumer.committed()).toBe('8');
    await handling.finish(8);
    await pipeline.commit();
    expect(consumer.committed()).toBe('12');
  });

  it('returns a fetched batch no sooner than gatherMs after its fetch began, its messages running meanwhile', async () => {
    const { handling, pipeline } = pipelineWith({ gatherMs: 300 });
    pipeline.fetchStarted();
    const began = Date.now();
    let returned = false;
    const dispatching = pipeline.dispatch(fetched([{ offset: 0, key: 'a' }])).then(() => (returned = true));

    await until(() => handling.started.length === 1);
    expect(returned).toBe(false);
    await dispatching;
    expect(Date.now() - began).toBeGreaterThanOrEqual(290);
  });

  it('returns at once from a batch of a fetch that began more than gatherMs ago', async () => {
    const { pipeline } = pipelineWith({ gatherMs: 600_000 });
    await pipeline.dispatch(fetched([{ offset: 0, key: 'a' }])); // no fetch began in the last ten minutes: within the test's timeout
  });

  it('pauses a partition whose window is full, leaves the rest unresolved to be fetched again, and resumes once half is done', async () => {
    const { consumer, handling, pipeline } = pipelineWith({ maxInFlightPerPartition: 4 });
    const first = fetched(range(0, 10).map((offset) => ({ offset, key: `key-${offset}` })));
    await pipeline.dispatch(first);

    expect(first.resolved).toEqual(['0', '1', '2', '3']);
    expect(consumer.paused).toEqual(new Set([`${TOPIC}:0`]));
    await handling.finish(1);
    await handling.finish(2);
    await handling.finish(3);
    expect(consumer.paused.size).toBe(1); // offset 0 still holds the window: finished ones behind it still count

    await handling.finish(0);
    expect(consumer.paused.size).toBe(0);
    const again = fetched(range(4, 10).map((offset) => ({ offset, key: `key-${offset}` })));
    await pipeline.dispatch(again);
    expect(again.resolved).toEqual(['4', '5', '6', '7']);
    expect(handling.started).toEqual(range(0, 8));
  });

  it('skips what a partition it kept through a rebalance fetches again, and forgets a partition it lost', async () => {
    const { consumer, handling, pipeline } = pipelineWith();
    await pipeline.dispatch(
      fetched(
        range(0, 3).map((offset) => ({ offset, key: 'a' })),
        0,
      ),
    );
    await pipeline.dispatch(
      fetched(
        range(100, 103).map((offset) => ({ offset, key: 'b' })),
        1,
      ),
    );
    pipeline.assigned({ [TOPIC]: [0] });

    // Kept: fetched again from its committed offset; only what it had not dispatched is new.
    const refetched = fetched(
      range(0, 5).map((offset) => ({ offset, key: 'a' })),
      0,
    );
    await pipeline.dispatch(refetched);
    expect(refetched.resolved).toEqual(['0', '1', '2', '3', '4']);
    // Lost: its running message finishes, those queued behind it never start, and nothing of it is committed.
    await handling.finish(100);
    for (const offset of range(0, 5)) await handling.finish(offset);
    expect(handling.started).toEqual([0, 100, 1, 2, 3, 4]);
    await pipeline.commit();
    expect(consumer.commits.flat().filter((c) => c.partition === 1)).toEqual([]);
    expect(consumer.committed(0)).toBe('5');

    // Assigned again later: read from the committed offset as new.
    pipeline.assigned({ [TOPIC]: [0, 1] });
    await pipeline.dispatch(
      fetched(
        range(100, 103).map((offset) => ({ offset, key: 'b' })),
        1,
      ),
    );
    expect(handling.started.at(-1)).toBe(100);
  });

  it('tries a failed message again in place: its key waits for it, the others go on, and the commit stays below it', async () => {
    const { consumer, handling, pipeline } = pipelineWith({ retryBackoffMs: 50 });
    await pipeline.dispatch(fetched([0, 1, 2].map((offset) => ({ offset, key: offset === 2 ? 'b' : 'a' }))));
    handling.running.get(0)!.fail(new Error('MongoDB unreachable'));
    await handling.finish(2);
    await pipeline.commit();
    expect(consumer.committed()).toBe('0');

    await until(() => handling.started.length === 3);
    expect(handling.started).toEqual([0, 2, 0]);
    await handling.finish(0);
    await handling.finish(1);
    await pipeline.commit();
    expect(handling.started).toEqual([0, 2, 0, 1]);
    expect(consumer.committed()).toBe('3');
  });

  it('commits where a group that starts at the end begins, before any message, and says when that is done', async () => {
    const { consumer, handling, pipeline } = pipelineWith({ commitIntervalMs: 5 });
    expect(pipeline.started()).toBe(true);
    await pipeline.dispatch(fetched([{ offset: 3, key: 'a' }], 1));
    consumer.refuseNextCommit = true;
    pipeline.startAt([
      { topic: TOPIC, partition: 0, offset: 12n },
      { topic: TOPIC, partition: 1, offset: 9n },
    ]);
    // Refused (a rebalance) the first time: not started until the commit is taken.
    expect(pipeline.started()).toBe(false);
    await until(() => consumer.committed(0) === '12');
    expect(pipeline.started()).toBe(true);
    // Partition 1 had dispatched a message already: its own progress decides (its unfinished message, not the start).
    expect(consumer.committed(1)).toBe('3');
    await handling.finish(3);
    await until(() => consumer.committed(1) === '4');

    // Nothing below the start is handled; the partition goes on from it.
    handling.autoFinish = true;
    await pipeline.dispatch(fetched(range(10, 14).map((offset) => ({ offset, key: 'b' }))));
    await until(() => consumer.committed(0) === '14');
    expect(handling.started).toEqual([3, 12, 13]);
  });

  it('does not wait for the start of a partition it lost before that start was committed', async () => {
    const { consumer, pipeline } = pipelineWith({ commitIntervalMs: 60_000 });
    consumer.refuseNextCommit = true;
    pipeline.startAt([{ topic: TOPIC, partition: 0, offset: 5n }]);
    await settle();
    expect(pipeline.started()).toBe(false);
    pipeline.assigned({ [TOPIC]: [1] });
    expect(pipeline.started()).toBe(true);
  });

  it('commits again after the group refused a commit', async () => {
    const { consumer, handling, pipeline } = pipelineWith({ commitIntervalMs: 5 });
    handling.autoFinish = true;
    consumer.refuseNextCommit = true;
    await pipeline.dispatch(fetched(range(0, 3).map((offset) => ({ offset, key: 'a' }))));
    await until(() => consumer.committed() === '3');
    expect(consumer.refuseNextCommit).toBe(false);
  });

  it('drains on close: stops fetching, lets what was dispatched run, commits it, and leaves a stuck message uncommitted at the deadline', async () => {
    const { consumer, handling, pipeline } = pipelineWith({ keyConcurrency: 1 });
    await pipeline.dispatch(fetched(range(0, 4).map((offset) => ({ offset, key: offset < 2 ? 'a' : 'b' }))));
    await handling.finish(0); // keys take turns in the single slot: 2 runs next
    const drained = pipeline.drain([TOPIC], 300);
    expect(consumer.paused).toEqual(new Set([`${TOPIC}:*`]));
    const late = fetched([{ offset: 4, key: 'c' }]);
    await pipeline.dispatch(late);
    expect(late.resolved).toEqual([]);
    await handling.finish(2);
    await handling.finish(1);
    await drained; // offset 3 never finishes

    expect(handling.started).toEqual([0, 2, 1, 3]);
    expect(consumer.committed()).toBe('3');
  });

  it('marks as possibly handled only what was in the log when the partition was first fetched, again after every rebalance, and every retry', async () => {
    const { handling, pipeline } = pipelineWith();
    handling.autoFinish = true;
    // Without a log end (an older fetch shape) every message may be a redelivery.
    await pipeline.dispatch(fetched([{ offset: 0 }], 0));
    await settle();
    expect(handling.maybeHandled.get(0)).toBe(true);
    // The first fetch that reports one fixes it: 1–2 were in the log then, 3 on was written later.
    await pipeline.dispatch(fetched([{ offset: 1 }, { offset: 2 }], 0, 3));
    await pipeline.dispatch(fetched([{ offset: 3 }, { offset: 4 }], 0, 9));
    await settle();
    expect([1, 2, 3, 4].map((o) => handling.maybeHandled.get(o))).toEqual([true, true, false, false]);
    // A rebalance, even one that keeps the partition: another member may have read it meanwhile.
    pipeline.assigned({ [TOPIC]: [0] });
    await pipeline.dispatch(fetched([{ offset: 5 }, { offset: 6 }], 0, 6));
    await settle();
    expect([5, 6].map((o) => handling.maybeHandled.get(o))).toEqual([true, false]);
    // A message tried again may have been handled by the attempt that failed.
    handling.autoFinish = false;
    await pipeline.dispatch(fetched([{ offset: 7 }], 0, 20));
    await until(() => handling.running.has(7));
    expect(handling.maybeHandled.get(7)).toBe(false);
    handling.running.get(7)!.fail(new Error('database unavailable'));
    await until(() => handling.running.has(7));
    expect(handling.maybeHandled.get(7)).toBe(true);
    await handling.finish(7);
  });
});
