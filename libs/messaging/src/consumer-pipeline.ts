import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import type { Batch, Consumer, EachBatchPayload, IMemberAssignment, KafkaMessage } from 'kafkajs';
import { describeError } from './describe-error.js';
import type { PartitionOffset } from './kafka-client.js';
import { KeyedScheduler } from './keyed-scheduler.js';
import { PartitionProgress } from './partition-progress.js';

/**
 * Takes one message to its end (handled, duplicate, ignored or dead-lettered); rejects when it must be
 * tried again (a dependency is down). `maybeHandled` is false when the group cannot have handled the
 * message before (it was written after this member began reading the partition), so no inbox check is needed.
 */
export type ProcessMessage = (topic: string, partition: number, message: KafkaMessage, maybeHandled: boolean) => Promise<void>;

export interface PipelineOptions {
  /** Keys of one partition handled at once. */
  keyConcurrency: number;
  /** Messages of one partition dispatched past its committable offset at most; then the partition is paused until half of them are done. */
  maxInFlightPerPartition: number;
  /** What finished is committed at most this often, in one request for every partition that moved. */
  commitIntervalMs: number;
  /** First wait before a message whose processing failed is processed again; doubles up to 30 s. */
  retryBackoffMs: number;
  /** A batch is dispatched no sooner than this long after its fetch began (see `gather`). */
  gatherMs: number;
}

/** What the pipeline uses of a kafkajs consumer. */
export type PipelineConsumer = Pick<Consumer, 'commitOffsets' | 'pause' | 'resume'>;

/** What the pipeline uses of kafkajs's eachBatch payload. */
export type FetchedBatch = Pick<EachBatchPayload, 'resolveOffset' | 'isRunning' | 'isStale'> & {
  batch: Pick<Batch, 'topic' | 'partition' | 'messages'> & Partial<Pick<Batch, 'highWatermark'>>;
};

const MAX_RETRY_WAIT_MS = 30_000;

interface Lane {
  topic: string;
  partition: number;
  /** Per-key chains. Kept when the partition is revoked, so a message still running keeps its key's order if the partition comes back. */
  scheduler: KeyedScheduler;
  /** Offsets of the current assignment; replaced when the partition is revoked. */
  progress: PartitionProgress;
  paused: boolean;
}

/** Messages with the same key bytes share a chain (latin1 gives every byte sequence its own string); a message without a key is a chain of its own. */
const keyOf = (message: KafkaMessage): string | undefined => message.key?.toString('latin1');

/**
 * Between kafkajs's eachBatch and the per-message processing. A fetched batch is dispatched into
 * per-key chains (one key's messages one at a time in offset order, different keys at once) and
 * eachBatch returns while they run, so a slow message holds only its own key: the next fetch and the
 * heartbeats go on. Each partition keeps at most `maxInFlightPerPartition` messages past its
 * committable offset; when full it is paused, and what was not dispatched is fetched again on resume
 * (its offset was not resolved). Offsets are committed on a short timer, each partition's up to its
 * oldest unfinished message, never past it.
 */
export class ConsumerPipeline {
  private readonly logger = new Logger('KafkaConsumer');
  private readonly lanes = new Map<string, Lane>();
  /** Messages submitted whose task has not returned. */
  private tasks = 0;
  private idleWaiters: Array<() => void> = [];
  private commitTimer?: NodeJS.Timeout;
  private commitRun?: Promise<void>;
  private commitAgain = false;
  /** Starts handed to startAt whose commit has not succeeded yet. */
  private starts: Array<{ lane: Lane; progress: PartitionProgress; offset: bigint }> = [];
  /** Draining: nothing more is dispatched or resumed. */
  private closing = false;
  /** Past the drain deadline: messages not started are left; all are read again after the restart. */
  private abandoned = false;
  /** When the fetch whose batches are being dispatched began (kafkajs FETCH_START). */
  private fetchStartedAt = 0;

  constructor(
    private readonly consumer: PipelineConsumer,
    private readonly process: ProcessMessage,
    private readonly options: PipelineOptions,
  ) {}

  /** kafkajs eachBatch (eachBatchAutoResolve off): resolves the offsets it dispatched, so the next fetch starts after them. */
  async dispatch({ batch, resolveOffset, isRunning, isStale }: FetchedBatch): Promise<void> {
    const lane = this.laneOf(batch.topic, batch.partition);
    const { progress } = lane;
    if (batch.highWatermark !== undefined) progress.noteLogEnd(BigInt(batch.highWatermark));
    for (const message of batch.messages) {
      if (this.closing || !isRunning() || isStale()) return;
      const offset = BigInt(message.offset);
      if (progress.isNew(offset)) {
        if (progress.inFlight >= this.options.maxInFlightPerPartition) return this.pause(lane);
        progress.dispatch(offset);
        this.tasks++;
        const maybeHandled = progress.mayHaveBeenHandled(offset);
        lane.scheduler.submit(keyOf(message), () => this.run(lane, progress, message, maybeHandled));
      }
      // A message fetched again after a rebalance that is already dispatched here needs nothing more: its task runs.
      resolveOffset(message.offset);
    }
    await this.gather(isRunning);
  }

  /** kafkajs FETCH_START: a fetch began; its batches, if any, are dispatched next. */
  fetchStarted(): void {
    this.fetchStartedAt = Date.now();
  }

  /**
   * Returns `gatherMs` after the fetch began at the soonest. kafkajs fetches again once every batch of
   * a fetch is dispatched, and the broker answers a fetch at the first message there is (minBytes 1),
   * so under load every message or two cost a fetch of every assigned partition, broker and consumer
   * alike. Waiting here lets what arrives meanwhile come in one fetch; the messages dispatched run
   * meanwhile. A consumer with nothing to read never gets here: its fetch waits on the broker, which
   * answers at the next message.
   */
  private async gather(isRunning: () => boolean): Promise<void> {
    const wait = this.fetchStartedAt + this.options.gatherMs - Date.now();
    if (wait > 0 && !this.closing && isRunning()) await sleep(wait);
  }

  /**
   * After each join of the group: a partition no longer assigned forgets its offsets (its new owner
   * reads from the committed offset), drops its messages not started, and lets running ones finish
   * uncommitted. A partition kept goes on where it was.
   */
  assigned(assignment: IMemberAssignment): void {
    for (const lane of this.lanes.values()) {
      lane.progress.forgetLogEnd();
      if (assignment[lane.topic]?.includes(lane.partition)) continue;
      lane.progress = new PartitionProgress();
      if (lane.paused) this.resume(lane);
    }
  }

  /**
   * Commits where partitions without a committed offset begin, for a group that starts at the end.
   * Until such a group commits, kafkajs looks for "the end" again at every join: a rejoin before its
   * first message is handled (a late heartbeat, a restart after a crash) would skip what came in
   * between. A partition that has dispatched something already keeps its own progress.
   */
  startAt(starts: PartitionOffset[]): void {
    for (const { topic, partition, offset } of starts) {
      const lane = this.laneOf(topic, partition);
      if (lane.progress.startAt(offset)) this.starts.push({ lane, progress: lane.progress, offset });
    }
    if (this.starts.length > 0) void this.commit();
  }

  /** Whether every start handed to startAt is committed, or no longer this member's to commit (its partition was revoked). */
  started(): boolean {
    this.starts = this.starts.filter(({ lane, progress, offset }) => lane.progress === progress && !progress.hasCommitted(offset));
    return this.starts.length === 0;
  }

  /** Stops fetching, waits at most `timeoutMs` for what was dispatched to finish, then commits what did. */
  async drain(topics: string[], timeoutMs: number): Promise<void> {
    this.closing = true;
    try {
      this.consumer.pause(topics.map((topic) => ({ topic })));
    } catch (error) {
      // kafkajs has no group right now (restarting after a crash): nothing is being fetched.
      this.logger.warn({ message: 'could not pause the consumer', error: describeError(error) });
    }
    const deadline = new AbortController();
    await Promise.race([this.idle(), sleep(timeoutMs, undefined, { signal: deadline.signal }).catch(() => undefined)]);
    deadline.abort();
    if (this.tasks > 0) this.logger.warn({ message: 'leaving with messages unfinished; they will be consumed again', messages: this.tasks });
    this.abandoned = true;
    clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    await this.commit();
  }

  /** Commits each partition that moved up to its oldest unfinished message. One commit at a time; a call during one gets another right after it. */
  commit(): Promise<void> {
    if (this.commitRun) {
      this.commitAgain = true;
      return this.commitRun;
    }
    this.commitRun = (async () => {
      do {
        this.commitAgain = false;
        await this.commitOnce();
      } while (this.commitAgain);
    })().finally(() => (this.commitRun = undefined));
    return this.commitRun;
  }

  private async run(lane: Lane, progress: PartitionProgress, message: KafkaMessage, maybeHandled: boolean): Promise<void> {
    try {
      if (progress !== lane.progress || this.abandoned) return;
      if (!(await this.processUntilDone(lane, progress, message, maybeHandled))) return;
      progress.finish(BigInt(message.offset));
      if (progress === lane.progress) this.finished(lane);
    } catch (error) {
      this.logger.error({
        message: 'consumer pipeline failed; the message stays uncommitted',
        topic: lane.topic,
        offset: message.offset,
        error: describeError(error),
      });
    } finally {
      if (--this.tasks === 0) this.idleWaiters.splice(0).forEach((wake) => wake());
    }
  }

  /** Tries again in place, so the key's later messages keep waiting behind it; false when it gave up (revoked, or past the drain deadline). */
  private async processUntilDone(lane: Lane, progress: PartitionProgress, message: KafkaMessage, maybeHandled: boolean): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        // A message tried again may have been handled by the failed attempt (which failed after its handler): the inbox decides.
        await this.process(lane.topic, lane.partition, message, maybeHandled || attempt > 1);
        return true;
      } catch (error) {
        this.logger.error({
          message: 'processing a message failed; trying it again',
          topic: lane.topic,
          partition: lane.partition,
          offset: message.offset,
          attempt,
          error: describeError(error),
        });
        // Draining: a failing message is left for after the restart rather than tried again.
        if (this.closing) return false;
        await sleep(Math.min(this.options.retryBackoffMs * 2 ** (attempt - 1), MAX_RETRY_WAIT_MS));
        if (progress !== lane.progress || this.abandoned || this.closing) return false;
      }
    }
  }

  private finished(lane: Lane): void {
    this.requestCommit();
    if (lane.paused && lane.progress.inFlight <= Math.floor(this.options.maxInFlightPerPartition / 2)) this.resume(lane);
  }

  private async commitOnce(): Promise<void> {
    const due = [...this.lanes.values()].flatMap(({ topic, partition, progress }) => {
      const offset = progress.committable();
      return offset === undefined ? [] : [{ topic, partition, progress, offset }];
    });
    if (due.length === 0) return;
    try {
      await this.consumer.commitOffsets(due.map(({ topic, partition, offset }) => ({ topic, partition, offset: offset.toString() })));
      due.forEach(({ progress, offset }) => progress.committedAt(offset));
    } catch (error) {
      // Refused during a rebalance, or the partition went to another member: what is not committed is consumed again, and the inbox makes that a no-op.
      this.logger.warn({ message: 'committing offsets failed; trying again', error: describeError(error) });
      this.requestCommit();
    }
  }

  private requestCommit(): void {
    if (this.commitTimer || this.abandoned) return;
    this.commitTimer = setTimeout(() => {
      this.commitTimer = undefined;
      void this.commit();
    }, this.options.commitIntervalMs).unref();
  }

  private pause(lane: Lane): void {
    lane.paused = true;
    this.consumer.pause([{ topic: lane.topic, partitions: [lane.partition] }]);
  }

  private resume(lane: Lane): void {
    if (this.closing) return;
    lane.paused = false;
    this.consumer.resume([{ topic: lane.topic, partitions: [lane.partition] }]);
  }

  private idle(): Promise<void> {
    return this.tasks === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private laneOf(topic: string, partition: number): Lane {
    const id = `${topic}:${partition}`;
    let lane = this.lanes.get(id);
    if (!lane) {
      lane = { topic, partition, scheduler: new KeyedScheduler(this.options.keyConcurrency), progress: new PartitionProgress(), paused: false };
      this.lanes.set(id, lane);
    }
    return lane;
  }
}
