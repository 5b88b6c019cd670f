import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Consumer } from 'kafkajs';
import { type FeatureFlagChanged, type FeatureFlagName, Topics } from '@bp/contracts';
import { ReadinessRegistry } from '@bp/platform';
import { buildMessage } from '../build-message.js';
import { validateInbound } from '../inbound-validation.js';
import { KafkaClient } from '../kafka-client.js';
import { KafkaProducer } from '../kafka-producer.js';
import { type FlagContext, evaluateFlag } from './evaluate-flag.js';
import { LAST_KNOWN_FLAGS, type LastKnownFlags, type VersionedSetting } from './last-known-flags.js';

/** How long a caller waits for the flags before its work is retried. */
const LOAD_TIMEOUT_MS = 15_000;

/** How long after start a replica that cannot read the topic (Kafka away) turns to the last-known flags. */
const FALLBACK_AFTER_MS = 10_000;

/** Where the flags a replica answers from came from. */
type FlagSource = 'topic' | 'last-known' | 'defaults';

export type FlagListener = (name: FeatureFlagName) => void | Promise<void>;

/**
 * Every replica's local copy of the feature flags. The flags live on a compacted topic (the latest
 * setting per flag); each replica reads it from the start with its own throw-away group, so a change
 * reaches every replica within a second or two, and it answers from memory. Until the first full
 * read, `isEnabled` waits (and the replica is not ready): a kill switch set before a restart is
 * honoured from the first message on. A replica that cannot read the topic within FALLBACK_AFTER_MS
 * of starting (Kafka away) answers from the flags it last read, kept in its database (the gateway,
 * which has none, from the defaults: booking-svc enforces the all-bookings kill switch too), and
 * switches to the topic's once it has read it.
 */
@Injectable()
export class FeatureFlags implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FeatureFlags.name);
  /** What the topic said so far; answered from once it has been read to its end. */
  private readonly fromTopic = new Map<FeatureFlagName, VersionedSetting>();
  /** Per partition of the topic, the offset of the last record applied to `fromTopic`. */
  private readonly applied = new Map<number, bigint>();
  private fallback?: Map<FeatureFlagName, VersionedSetting>;
  private source?: FlagSource;
  private readonly listeners = new Set<FlagListener>();
  private consumer?: Consumer;
  private stopped = false;
  private fallbackTimer?: NodeJS.Timeout;
  private readonly whenUsable: Promise<void>;
  private markUsable!: () => void;

  constructor(
    private readonly client: KafkaClient,
    private readonly producer: KafkaProducer,
    private readonly readiness: ReadinessRegistry,
    @Inject(LAST_KNOWN_FLAGS) private readonly lastKnown: LastKnownFlags,
  ) {
    this.whenUsable = new Promise((resolve) => (this.markUsable = resolve));
  }

  onModuleInit(): void {
    this.readiness.register({
      name: 'feature-flags',
      check: async () => ({ up: this.source !== undefined, details: { flags: this.settings.size, source: this.source ?? 'loading' } }),
    });
  }

  onApplicationBootstrap(): void {
    void this.followUntilStopped();
    this.fallbackTimer = setTimeout(() => void this.fallBack(), FALLBACK_AFTER_MS);
    this.fallbackTimer.unref();
  }

  private get settings(): ReadonlyMap<FeatureFlagName, VersionedSetting> {
    return this.source === 'topic' ? this.fromTopic : (this.fallback ?? this.fromTopic);
  }

  /** The topic could not be read in time: answer from the last-known flags until it can. */
  private async fallBack(): Promise<void> {
    if (this.source) return;
    const lastKnown = await this.lastKnown.load().catch((error: unknown) => {
      this.logger.error({ message: 'could not read the last-known feature flags; using the defaults', error: (error as Error).message });
      return new Map<FeatureFlagName, VersionedSetting>();
    });
    if (this.source) return;
    this.fallback = lastKnown;
    this.source = lastKnown.size > 0 ? 'last-known' : 'defaults';
    this.logger.warn({ message: 'feature flags topic not read yet; answering from the last-known flags', source: this.source, flags: lastKnown.size });
    this.markUsable();
  }

  /**
   * Starts the reader, again and again until it runs: a broker that is briefly away, or metadata not
   * settled yet (a topic being created or grown by another service), must not leave the replica
   * without flags, and so unready, for good.
   */
  private async followUntilStopped(): Promise<void> {
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        await this.follow();
        return;
      } catch (error) {
        this.logger.warn({ message: 'feature flags reader could not start; retrying', attempt, error: (error as Error).message });
        await this.consumer?.disconnect().catch(() => undefined);
        this.consumer = undefined;
        await sleep(Math.min(5_000, 200 * 2 ** Math.min(attempt, 5)));
      }
    }
  }

  /** The flag's value for this context, once the flags have been read (rejects after a timeout, so the caller retries). */
  async isEnabled(name: FeatureFlagName, context: FlagContext = {}): Promise<boolean> {
    if (!this.source) {
      const stop = new AbortController();
      const timedOut = sleep(LOAD_TIMEOUT_MS, true, { signal: stop.signal }).catch(() => false);
      const usable = await Promise.race([this.whenUsable.then(() => false), timedOut]);
      stop.abort();
      if (usable !== false || !this.source) throw new Error('feature flags not loaded yet');
    }
    return evaluateFlag(name, this.settings, context);
  }

  /** Current settings of the flags someone has set (unset flags have their defaults). */
  snapshot(): Record<string, VersionedSetting> {
    return Object.fromEntries(this.settings);
  }

  /** Called after a flag's setting changed on this replica. */
  onChange(listener: FlagListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Publishes a flag's new setting; every replica (this one included) applies it when it reads it back. */
  async set(change: FeatureFlagChanged): Promise<void> {
    const version = (this.settings.get(change.name)?.version ?? 0) + 1;
    await this.producer.send([buildMessage(Topics.featureFlags, 'FeatureFlagChanged', change, { id: change.name, version })]);
  }

  private async follow(): Promise<void> {
    const topic = Topics.featureFlags;
    await this.client.ensureTopics([topic]);
    const end = await this.client.endOffsets(topic);
    // A topic made again (its offsets start over) is read from its start.
    for (const [partition, applied] of this.applied) if (applied >= (end.get(partition) ?? 0n)) this.applied.delete(partition);
    const consumer = this.client.kafka.consumer({
      groupId: `${process.env['SERVICE_NAME'] ?? 'service'}.feature-flags.${randomUUID()}`,
      allowAutoTopicCreation: false,
      retry: { retries: 8, restartOnFailure: async () => true },
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const caughtUp = (partition: number, offset: bigint) => {
      if (offset + 1n >= (end.get(partition) ?? 0n)) end.delete(partition);
      if (end.size === 0 || [...end.values()].every((high) => high === 0n)) this.finishLoading();
    };
    if ([...end.values()].every((high) => high === 0n)) this.finishLoading();
    await consumer.run({
      autoCommit: false, // nothing to remember: every start reads the whole (compacted) topic again
      eachMessage: async ({ partition, message }) => {
        const offset = BigInt(message.offset);
        // A reader that starts over (a failed start retried; kafkajs restarts a consumer after a broker
        // outage) reads the topic from its beginning again: what this replica applied already, older
        // settings included (compaction keeps more than the latest until it runs), is not answered again.
        if (offset > (this.applied.get(partition) ?? -1n)) {
          await this.apply(message.value);
          this.applied.set(partition, offset);
        }
        caughtUp(partition, offset);
      },
    });
  }

  private async apply(value: Buffer | null): Promise<void> {
    const outcome = validateInbound(Topics.featureFlags, value);
    if (!outcome.valid) {
      this.logger.warn({ message: 'ignoring an invalid feature flag record', error: outcome.error });
      return;
    }
    const { name, ...setting } = outcome.message.payload as FeatureFlagChanged;
    const versioned = { ...setting, version: outcome.message.aggregateVersion };
    this.fromTopic.set(name, versioned);
    this.logger.log({ message: 'feature flag set', flag: name, ...setting, by: outcome.message.actor });
    await this.lastKnown
      .save(name, versioned)
      .catch((error: unknown) => this.logger.warn({ message: 'could not keep the feature flag as last known', flag: name, error: (error as Error).message }));
    if (this.source === 'topic') await this.notify([name]);
  }

  private async notify(names: Iterable<FeatureFlagName>): Promise<void> {
    for (const name of names)
      for (const listener of this.listeners) {
        await Promise.resolve(listener(name)).catch((error: unknown) =>
          this.logger.error({ message: 'feature flag listener failed', flag: name, error: (error as Error).message }),
        );
      }
  }

  private finishLoading(): void {
    if (this.source === 'topic') return;
    clearTimeout(this.fallbackTimer);
    const answeredBefore = this.fallback;
    this.source = 'topic';
    this.fallback = undefined;
    this.markUsable();
    // Flags answered from the last-known copy until now: tell the listeners what may have changed.
    if (answeredBefore) {
      this.logger.log({ message: 'feature flags read from their topic; no longer answering from the last-known flags' });
      void this.notify(new Set([...answeredBefore.keys(), ...this.fromTopic.keys()]));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.fallbackTimer);
    this.stopped = true;
    await this.consumer?.disconnect().catch(() => undefined);
  }
}
