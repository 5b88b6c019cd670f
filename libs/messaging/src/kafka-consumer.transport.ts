import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type CustomTransportStrategy, Server } from '@nestjs/microservices';
import type { Consumer, IMemberAssignment, KafkaMessage } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { CONTRACTS, MessageHeaders, deadLetterTopicFor, isTopic, retryTopicFor } from '@bp/contracts';
import { requestContext } from '@bp/platform';
import { CONSUMER_OPTIONS, type ConsumerOptions, isCommandTopic, isRetryable } from './consumer-options.js';
import { consumerDelay } from './consumer-delay.js';
import { type DEAD_LETTER_REASONS, consumerMetrics, declareConsumerMetrics } from './consumer-metrics.js';
import { ConsumerPipeline } from './consumer-pipeline.js';
import { describeError } from './describe-error.js';
import { INBOX, type Inbox } from './inbox.js';
import { type InboundMessage, validateInbound } from './inbound-validation.js';
import { KafkaClient, type PartitionOffset } from './kafka-client.js';
import { KafkaMessageContext } from './kafka-message.context.js';
import { KafkaProducer } from './kafka-producer.js';
import { UNCHANGED } from './on-message.decorator.js';
import { withConsumeSpan } from './message-tracing.js';
import { type ParkedMessage, header, parkedFrom, parkingHeaders, roundDelayMs } from './retry-topic.js';

/** Handlers subscribe with `@EventPattern(messagePattern(topic, type))`, or `${topic}#*` for every type. */
const ANY_TYPE = '*';

type Outcome = 'handled' | 'duplicate' | 'ignored' | 'parked' | 'dead-lettered';

/** Where a message first came from: a parked one keeps its original topic, partition and offset. */
type Origin = Pick<ParkedMessage, 'originalTopic' | 'originalPartition' | 'originalOffset'>;

/** How often the group's lag is measured (two admin requests per subscribed topic). */
const LAG_INTERVAL_MS = 10_000;

/**
 * Finished messages are committed at most this often (one request for every partition that moved).
 * Each commit is a write to the broker's offsets log: at 100 ms the six groups' commits were about a
 * quarter of the broker's requests under load. A crash re-delivers at most this much more, which the
 * inbox absorbs (those messages are below the next owner's first log end).
 */
const COMMIT_INTERVAL_MS = 1000;

/** Waits between attempts to start the consumer while the broker is away: doubling, capped. */
const START_RETRY_BASE_MS = 500;
const START_RETRY_MAX_MS = 15_000;

/**
 * A consumer still crashed this long after kafkajs reported it (kafkajs restarts it itself, but has
 * been seen to stay down after a broker outage that caught it joining) is replaced by a new one.
 */
const CRASH_REPLACE_AFTER_MS = 30_000;

/**
 * A Nest transport on kafkajs with what the built-in one lacks: manual offset commits after the
 * handler finished, validation of every message against its contract before any handler runs, an
 * inbox that makes redeliveries no-ops, bounded retries with backoff, and a dead-letter topic (the
 * original record plus the error in headers) so nothing is dropped silently. Messages are consumed
 * through a ConsumerPipeline: one key's messages in order, different keys of a partition at once,
 * offsets committed up to the oldest unfinished message.
 */
@Injectable()
export class KafkaConsumerTransport extends Server implements CustomTransportStrategy {
  override readonly propagatesEventHandlerErrors = true;
  protected override readonly logger = new Logger('KafkaConsumer');
  private consumer?: Consumer;
  private joined = false;
  /** Set by the first completed fetch: offsets are resolved, so anything produced from now on is consumed. */
  private positioned = false;
  /** Between the first join of a group that starts at the end and handing its starts to the pipeline (see commitStarts). */
  private startsPending = false;
  private crashed?: string;
  /** Why the consumer is not running yet while it keeps trying to start (a broker away at boot). */
  private waiting?: string;
  private readonly stopping = new AbortController();
  private lagTimer?: NodeJS.Timeout;
  private pipeline?: ConsumerPipeline;

  constructor(
    private readonly client: KafkaClient,
    private readonly producer: KafkaProducer,
    @Inject(INBOX) private readonly inbox: Inbox,
    @Inject(CONSUMER_OPTIONS) private readonly options: ConsumerOptions,
  ) {
    super();
    declareConsumerMetrics();
  }

  get deadLetterTopic(): string {
    return deadLetterTopicFor(this.options.groupId);
  }

  get retryTopic(): string {
    return retryTopicFor(this.options.groupId);
  }

  /**
   * Returns once the first attempt to start consuming is over (joined, as before serving, when Kafka is
   * there) and, if it failed, keeps trying in the background: a service started while Kafka is away
   * comes up and serves its API (writes wait in the outbox), and consumes once the broker is back.
   * Until then readiness reports the consumer as degraded with the reason.
   */
  listen(callback: (error?: unknown) => void): void {
    void this.startUntilRunning(() => callback());
  }

  private async startUntilRunning(afterFirstAttempt: () => void = () => undefined): Promise<void> {
    for (let attempt = 1; !this.stopping.signal.aborted; attempt++) {
      try {
        await this.start();
        this.waiting = undefined;
        if (attempt === 1) afterFirstAttempt();
        return;
      } catch (error) {
        if (attempt === 1) afterFirstAttempt();
        this.waiting = (error as Error).message;
        const consumer = this.consumer;
        this.consumer = undefined;
        await consumer?.disconnect().catch(() => undefined);
        const delayMs = Math.min(START_RETRY_MAX_MS, START_RETRY_BASE_MS * 2 ** Math.min(attempt - 1, 10));
        this.logger.warn({ message: 'Kafka consumer could not start; retrying', group: this.options.groupId, attempt, delayMs, error: this.waiting });
        await sleep(delayMs, undefined, { signal: this.stopping.signal }).catch(() => undefined);
      }
    }
  }

  /** Readiness: joined its group, positioned on its partitions (its start committed, when it starts at the end), and not crashed. */
  consumerState(): { running: boolean; details: Record<string, unknown> } {
    const startCommitted = !this.startsPending && (this.pipeline?.started() ?? false);
    return {
      running: this.joined && this.positioned && startCommitted && !this.crashed,
      details: {
        group: this.options.groupId,
        joined: this.joined,
        positioned: this.positioned,
        startCommitted,
        ...(this.crashed ? { crashed: this.crashed } : {}),
        ...(this.waiting ? { waitingForKafka: this.waiting } : {}),
      },
    };
  }

  /** The topics handled here, and the group's retry topic when it parks messages. */
  subscribedTopics(): string[] {
    const fromHandlers = [...this.messageHandlers.keys()].map((pattern) => pattern.split('#')[0] ?? pattern);
    const topics = [...new Set([...fromHandlers, ...this.options.extraTopics])];
    return topics.length > 0 && this.options.retryTopicRounds > 0 ? [...topics, this.retryTopic] : topics;
  }

  /** The (topic, type) pairs a handler here takes: a handler for every type of a topic takes each type of its contract. */
  private handledTypes(): Array<{ topic: string; type: string }> {
    return [...this.messageHandlers.keys()].flatMap((pattern) => {
      const [topic = pattern, type = ANY_TYPE] = pattern.split('#');
      if (type !== ANY_TYPE) return [{ topic, type }];
      return isTopic(topic) ? Object.keys(CONTRACTS[topic]).map((each) => ({ topic, type: each })) : [];
    });
  }

  private async start(): Promise<void> {
    const topics = this.subscribedTopics();
    if (topics.length === 0) return;
    await this.client.ensureTopics(this.options.ephemeral ? topics : [...topics, this.deadLetterTopic]);
    declareConsumerMetrics({ group: this.options.groupId, topics, handled: this.handledTypes() });
    // Read before the consumer starts: kafkajs's own "latest" for these partitions is at or past it.
    let starts = this.options.fromBeginning ? [] : await this.client.uncommittedEnds(this.options.groupId, topics);
    const consumer = this.client.kafka.consumer({
      groupId: this.options.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 30000,
      heartbeatInterval: 3000,
      // Never give up for good: after a broker outage the consumer restarts and rejoins.
      retry: { retries: 8, initialRetryTime: 300, restartOnFailure: async () => true },
      // How often an idle consumer asks; readiness waits for the first answer, a graceful stop for the last.
      maxWaitTimeInMs: this.options.fetchMaxWaitMs,
    });
    const pipeline = new ConsumerPipeline(consumer, (topic, partition, message, maybeHandled) => this.process(topic, partition, message, maybeHandled), {
      keyConcurrency: this.options.keyConcurrency,
      maxInFlightPerPartition: this.options.maxInFlightPerPartition,
      gatherMs: this.options.fetchGatherMs,
      commitIntervalMs: COMMIT_INTERVAL_MS,
      retryBackoffMs: this.options.retryBackoffMs,
    });
    // Events of a consumer this transport has let go of (replaced, or given up on) change nothing.
    const current = () => this.consumer === consumer;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      if (!current()) return;
      this.joined = true;
      this.crashed = undefined;
      const partitions = Object.values(event.payload.memberAssignment).reduce((sum, assigned) => sum + assigned.length, 0);
      this.logger.log({ message: 'joined the consumer group', group: this.options.groupId, partitions, startsToCommit: starts.length });
      pipeline.assigned(event.payload.memberAssignment);
      if (starts.length > 0) void this.commitStarts(pipeline, event.payload.memberAssignment, starts);
      starts = [];
    });
    consumer.on(consumer.events.CRASH, (event) => {
      if (!current()) return;
      this.crashed = String(event.payload.error?.message ?? 'crashed');
      this.joined = false;
      setTimeout(() => void this.replaceIfStillCrashed(consumer), CRASH_REPLACE_AFTER_MS).unref();
    });
    consumer.on(consumer.events.FETCH_START, () => current() && pipeline.fetchStarted());
    consumer.on(consumer.events.FETCH, () => current() && (this.positioned = true));
    consumer.on(consumer.events.STOP, () => current() && (this.joined = false));
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: this.options.fromBeginning });
    // Offsets are committed by the pipeline, and resolved (the next fetch's position) as it dispatches.
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      eachBatch: (payload) => pipeline.dispatch(payload),
    });
    this.pipeline = pipeline;
    this.logger.log(`consuming ${topics.join(', ')} as ${this.options.groupId}`);
    void this.measureLag(topics);
    clearInterval(this.lagTimer);
    this.lagTimer = setInterval(() => void this.measureLag(topics), LAG_INTERVAL_MS).unref();
  }

  /**
   * At the first join of a group that starts at the end, has the pipeline commit where each of this
   * member's partitions without a committed offset begins (ConsumerPipeline.startAt). Asked again
   * first: another replica may have committed one meanwhile, and its commit must not be overwritten.
   * If that cannot be asked, nothing is committed (kafkajs finds the end again on a rejoin, as before).
   */
  private async commitStarts(pipeline: ConsumerPipeline, assignment: IMemberAssignment, starts: PartitionOffset[]): Promise<void> {
    const key = ({ topic, partition }: { topic: string; partition: number }) => `${topic}:${partition}`;
    const mine = starts.filter(({ topic, partition }) => assignment[topic]?.includes(partition));
    if (mine.length === 0) return;
    this.startsPending = true;
    try {
      const unset = new Set((await this.client.uncommittedEnds(this.options.groupId, [...new Set(mine.map((s) => s.topic))])).map(key));
      pipeline.startAt(mine.filter((start) => unset.has(key(start))));
    } catch (error) {
      this.logger.warn({ message: 'could not check where the group starts; not committing it', group: this.options.groupId, error: describeError(error) });
    } finally {
      this.startsPending = false;
    }
  }

  /** Lets go of a consumer that has not recovered from a crash, and starts a new one (what it had not committed is read again). */
  private async replaceIfStillCrashed(consumer: Consumer): Promise<void> {
    if (this.stopping.signal.aborted || this.consumer !== consumer || !this.crashed) return;
    this.logger.warn({ message: 'Kafka consumer still crashed; replacing it', group: this.options.groupId, crashed: this.crashed });
    this.consumer = undefined;
    this.pipeline = undefined;
    this.joined = false;
    await consumer.disconnect().catch(() => undefined);
    await this.startUntilRunning();
  }

  /** Every replica of a group reports the same lag; dashboards and alerts take the max per group and topic. */
  private async measureLag(topics: string[]): Promise<void> {
    try {
      const lag = await this.client.groupLag(this.options.groupId, topics, this.options.fromBeginning);
      for (const [topic, behind] of lag) consumerMetrics.lag().set({ group: this.options.groupId, topic }, behind);
    } catch (error) {
      this.logger.warn({ message: 'could not measure consumer lag', group: this.options.groupId, error: describeError(error) });
    }
  }

  /** Resolves once the message was handled, ignored on purpose, or safely dead-lettered: only then may its offset be committed. */
  private async process(topic: string, partition: number, message: KafkaMessage, maybeHandled: boolean): Promise<void> {
    // One CONSUMER span per record, parented on the publish span in its headers: the handler's work joins the producer's trace.
    const outcome = await withConsumeSpan(topic, partition, this.options.groupId, message, () => this.handle(topic, partition, message, maybeHandled));
    this.logger.debug?.({ message: 'message processed', topic, partition, offset: message.offset, outcome });
  }

  private async handle(fetchedFrom: string, partition: number, message: KafkaMessage, fetchedMaybeHandled: boolean): Promise<Outcome> {
    let origin: Origin = { originalTopic: fetchedFrom, originalPartition: partition, originalOffset: message.offset };
    let round = 0;
    let maybeHandled = fetchedMaybeHandled;
    if (fetchedFrom === this.retryTopic) {
      const parked = parkedFrom(message.headers);
      if (!parked) {
        await this.deadLetter(origin, message, 'invalid-envelope', 'a message on the retry topic without its retry headers', 0);
        consumerMetrics.handled().inc({ topic: fetchedFrom, type: 'unknown', outcome: 'dead-lettered' });
        return 'dead-lettered';
      }
      // Due later: it waits here (other keys go on); a stop leaves it unfinished, read again after the restart.
      await sleep(Math.max(0, parked.notBefore.getTime() - Date.now()), undefined, { signal: this.stopping.signal });
      ({ round } = parked);
      origin = parked;
      maybeHandled = true;
    }
    const topic = origin.originalTopic;
    // An event type this group does not handle (its producer names it in a header) is ignored before any parsing or validation.
    const namedType = header(message.headers, MessageHeaders.type);
    if (namedType !== undefined && !isCommandTopic(topic) && !this.handlerFor(topic, namedType)) {
      consumerMetrics.handled().inc({ topic, type: namedType, outcome: 'ignored' });
      return 'ignored';
    }
    const validation = validateInbound(topic, message.value);
    const type = validation.valid ? validation.message.type : (validation.type ?? 'unknown');
    const handler = this.handlerFor(topic, type);
    const count = (outcome: Outcome) => {
      consumerMetrics.handled().inc({ topic, type, outcome });
      return outcome;
    };
    if (!validation.valid) {
      // An event type this service does not know and does not handle is somebody else's business.
      if (validation.reason === 'unknown-type' && !handler && !isCommandTopic(topic)) return count('ignored');
      await this.deadLetter(origin, message, validation.reason, validation.error, 0);
      return count('dead-lettered');
    }
    if (!handler) {
      if (!isCommandTopic(topic)) return count('ignored');
      await this.deadLetter(origin, message, 'no-handler', `no handler for command ${type}`, 0);
      return count('dead-lettered');
    }
    const envelope = validation.message;
    // The database is asked only about a message the group may have handled before; a newer one can only
    // repeat an event this process handled (docs/kafka-consumers.md). Every handled one is recorded, for the next owner of its partition.
    const { groupId } = this.options;
    const duplicate = maybeHandled ? await this.inbox.hasProcessed(groupId, envelope.eventId) : this.inbox.hasProcessedHere(groupId, envelope.eventId);
    if (duplicate) return count('duplicate');

    const stopTimer = consumerMetrics.duration().startTimer({ topic, type });
    let result: unknown;
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          const context = new KafkaMessageContext([topic, partition, message.offset, message.headers ?? {}, attempt]);
          result = await this.invoke(handler, envelope, context);
          break;
        } catch (error) {
          if (!isRetryable(error)) {
            await this.deadLetter(origin, message, 'non-retryable', describeError(error), attempt);
            return count('dead-lettered');
          }
          if (attempt >= this.options.maxAttempts) {
            if (round < this.options.retryTopicRounds) {
              await this.park(origin, message, round + 1, describeError(error));
              return count('parked');
            }
            await this.deadLetter(origin, message, 'retries-exhausted', describeError(error), attempt);
            return count('dead-lettered');
          }
          this.logger.warn({ message: 'handler failed; retrying', topic, type, eventId: envelope.eventId, attempt, round, error: describeError(error) });
          const waitMs = Math.min(this.options.retryBackoffMs * 2 ** (attempt - 1), this.options.retryMaxBackoffMs);
          // A stop ends the wait: the message stays unfinished and is read again after the restart.
          await sleep(waitMs, undefined, { signal: this.stopping.signal });
        }
      }
    } finally {
      stopTimer();
    }
    if (result !== UNCHANGED) await this.inbox.markProcessed(this.options.groupId, envelope.eventId, type);
    const sinceOccurred = Math.max(0, (Date.now() - Date.parse(envelope.occurredAt)) / 1000);
    consumerMetrics.delivery().observe({ topic, type, group: this.options.groupId }, sinceOccurred);
    if (!maybeHandled) consumerDelay.observe(sinceOccurred * 1000);
    // Logged under the message's correlation id, so one request can be followed across services.
    this.logger.log({ message: 'message handled', topic, type, eventId: envelope.eventId, requestId: envelope.correlationId });
    return count('handled');
  }

  /**
   * The handler by its pattern, read from Nest's map directly: a string pattern is its own route, and
   * `getHandlerByPattern` first tries it as JSON, throwing and catching a SyntaxError per message.
   */
  private handlerFor(topic: string, type: string) {
    return this.messageHandlers.get(`${topic}#${type}`) ?? this.messageHandlers.get(`${topic}#${ANY_TYPE}`) ?? null;
  }

  /** Runs the handler in the message's request context; answers what it returned (UNCHANGED or anything). */
  private async invoke(
    handler: NonNullable<ReturnType<Server['getHandlerByPattern']>>,
    envelope: InboundMessage,
    context: KafkaMessageContext,
  ): Promise<unknown> {
    const scope = { requestId: envelope.correlationId, causationId: envelope.eventId, actor: envelope.actor };
    return requestContext.run(scope, async () =>
      lastValueFrom(this.transformToObservable(await handler(envelope, context)), { defaultValue: undefined as unknown }),
    );
  }

  /** Parks a message on the group's retry topic for `round`, due after that round's wait. */
  private async park(origin: Origin, message: KafkaMessage, round: number, error: string): Promise<void> {
    const notBefore = new Date(Date.now() + roundDelayMs(round, this.options.retryTopicDelayMs));
    this.logger.warn({
      message: 'handler keeps failing; parking the message on the retry topic',
      topic: origin.originalTopic,
      offset: origin.originalOffset,
      round,
      notBefore,
      error,
    });
    // If this send fails the message is not finished: it is processed again and no commit passes it.
    await this.producer.forward(this.retryTopic, {
      key: message.key,
      value: message.value,
      headers: parkingHeaders(message.headers, origin, round, notBefore, error),
    });
  }

  private async deadLetter(
    origin: Origin,
    message: KafkaMessage,
    reason: (typeof DEAD_LETTER_REASONS)[number],
    error: string,
    attempts: number,
  ): Promise<void> {
    const { originalTopic: topic, originalPartition: partition, originalOffset: offset } = origin;
    if (this.options.ephemeral) {
      // A group of one process keeps nothing: the message is skipped, said once in the log.
      this.logger.warn({ message: 'skipping a message this consumer cannot take', topic, partition, offset, reason, error });
      return;
    }
    this.logger.error({ message: 'dead-lettering message', topic, partition, offset, reason, error });
    // If this send fails the message is not finished: it is processed again and no commit passes it. Never dropped.
    await this.producer.forward(this.deadLetterTopic, {
      key: message.key,
      value: message.value,
      headers: {
        ...(message.headers ?? {}),
        [MessageHeaders.deadLetterReason]: reason,
        [MessageHeaders.deadLetterError]: error.slice(0, 4000),
        [MessageHeaders.deadLetterOriginalTopic]: topic,
        [MessageHeaders.deadLetterOriginalPartition]: String(partition),
        [MessageHeaders.deadLetterOriginalOffset]: offset,
        [MessageHeaders.deadLetterConsumerGroup]: this.options.groupId,
        [MessageHeaders.deadLetterAttempts]: String(attempts),
      },
    });
    consumerMetrics.deadLettered().inc({ topic, reason });
  }

  /**
   * Stops fetching, lets the messages in flight finish (at most `drainTimeoutMs`), commits what
   * finished, then leaves the group. What did not finish is consumed again after the restart.
   */
  async close(): Promise<void> {
    // Ends the start loop; a start in progress fails when its consumer is disconnected below.
    this.stopping.abort();
    clearInterval(this.lagTimer);
    const [consumer, pipeline] = [this.consumer, this.pipeline];
    this.consumer = undefined;
    this.pipeline = undefined;
    this.joined = false;
    await pipeline?.drain(this.subscribedTopics(), this.options.drainTimeoutMs);
    await consumer?.disconnect();
    if (consumer && this.options.ephemeral)
      await this.client
        .deleteGroup(this.options.groupId)
        .catch((error: unknown) =>
          this.logger.warn({ message: 'could not delete the consumer group', group: this.options.groupId, error: (error as Error).message }),
        );
  }

  on(): never {
    throw new Error('KafkaConsumerTransport does not expose transport events');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }
}
