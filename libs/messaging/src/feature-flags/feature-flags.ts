import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Consumer } from 'kafkajs';
import { type FeatureFlagChanged, type FeatureFlagName, Topics } from '@bp/contracts';
import { ReadinessRegistry } from '@bp/platform';
import { buildMessage } from '../build-message.js';
import { validateInbound } from '../inbound-validation.js';
import { KafkaClient } from '../kafka-client.js';
import { KafkaProducer } from '../kafka-producer.js';
import { type FlagContext, type FlagSetting, evaluateFlag } from './evaluate-flag.js';

/** How long a caller waits for the first full read of the flags before its work is retried. */
const LOAD_TIMEOUT_MS = 15_000;

export type FlagListener = (name: FeatureFlagName) => void | Promise<void>;

/**
 * Every replica's local copy of the feature flags. The flags live on a compacted topic (the latest
 * setting per flag); each replica reads it from the start with its own throw-away group, so a change
 * reaches every replica within a second or two, and it answers from memory. Until the first full
 * read, `isEnabled` waits (and the replica is not ready): a kill switch set before a restart is
 * honoured from the first message on.
 */
@Injectable()
export class FeatureFlags implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FeatureFlags.name);
  private readonly settings = new Map<FeatureFlagName, FlagSetting & { version: number }>();
  private readonly listeners = new Set<FlagListener>();
  private consumer?: Consumer;
  private loaded = false;
  private stopped = false;
  private readonly whenLoaded: Promise<void>;
  private markLoaded!: () => void;

  constructor(
    private readonly client: KafkaClient,
    private readonly producer: KafkaProducer,
    private readonly readiness: ReadinessRegistry,
  ) {
    this.whenLoaded = new Promise((resolve) => (this.markLoaded = resolve));
  }

  onModuleInit(): void {
    this.readiness.register({ name: 'feature-flags', check: async () => ({ up: this.loaded, details: { flags: this.settings.size } }) });
  }

  onApplicationBootstrap(): void {
    void this.followUntilStopped();
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
    if (!this.loaded) {
      const stop = new AbortController();
      const timedOut = sleep(LOAD_TIMEOUT_MS, true, { signal: stop.signal }).catch(() => false);
      const loaded = await Promise.race([this.whenLoaded.then(() => false), timedOut]);
      stop.abort();
      if (loaded !== false || !this.loaded) throw new Error('feature flags not loaded yet');
    }
    return evaluateFlag(name, this.settings, context);
  }

  /** Current settings of the flags someone has set (unset flags have their defaults). */
  snapshot(): Record<string, FlagSetting & { version: number }> {
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
        await this.apply(message.value);
        caughtUp(partition, BigInt(message.offset));
      },
    });
  }

  private async apply(value: Buffer | null): Promise<void> {
    const outcome = await validateInbound(Topics.featureFlags, value);
    if (!outcome.valid) {
      this.logger.warn({ message: 'ignoring an invalid feature flag record', error: outcome.error });
      return;
    }
    const { name, ...setting } = outcome.message.payload as FeatureFlagChanged;
    this.settings.set(name, { ...setting, version: outcome.message.aggregateVersion });
    this.logger.log({ message: 'feature flag set', flag: name, ...setting, by: outcome.message.actor });
    if (!this.loaded) return;
    for (const listener of this.listeners) {
      await Promise.resolve(listener(name)).catch((error: unknown) =>
        this.logger.error({ message: 'feature flag listener failed', flag: name, error: (error as Error).message }),
      );
    }
  }

  private finishLoading(): void {
    if (this.loaded) return;
    this.loaded = true;
    this.markLoaded();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.consumer?.disconnect().catch(() => undefined);
  }
}
