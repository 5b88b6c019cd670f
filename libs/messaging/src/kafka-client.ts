import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Kafka, logLevel, type Admin, type ITopicConfig, type LogEntry } from 'kafkajs';
import { TOPIC_SETTINGS, isTopic } from '@bp/contracts';
import { ServiceConfig, brokersOf } from '@bp/platform';

const TOPIC_READY_TIMEOUT_MS = 30_000;

const LEVELS: Record<number, 'error' | 'warn' | 'log' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'log',
  [logLevel.DEBUG]: 'debug',
};

/** The process's one kafkajs client, logging through Nest's (pino) logger, plus an admin connection for topics and health. */
@Injectable()
export class KafkaClient implements OnApplicationShutdown {
  readonly kafka: Kafka;
  private admin?: Admin;
  private readonly logger = new Logger('kafkajs');

  constructor(config: ServiceConfig) {
    const service = process.env['SERVICE_NAME'] ?? 'service';
    this.kafka = new Kafka({
      clientId: service,
      brokers: brokersOf(config),
      connectionTimeout: 3000,
      requestTimeout: 10000,
      retry: { initialRetryTime: 200, retries: 8 },
      logLevel: logLevel.WARN,
      logCreator:
        () =>
        ({ level, log }: LogEntry) => {
          const { message, ...extra } = log;
          this.logger[LEVELS[level] ?? 'log']({ message, ...extra });
        },
    });
  }

  /**
   * Creates the topics that do not exist yet and waits until every partition of every topic has a
   * leader. Idempotent and safe when several services create the same topic at once on a new cluster.
   */
  async ensureTopics(topics: string[], options: Partial<ITopicConfig> = {}): Promise<void> {
    const wanted = [...new Set(topics)];
    const admin = await this.connectedAdmin();
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((t) => !existing.has(t));
    let createError: unknown;
    if (missing.length > 0) {
      try {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({
            topic,
            numPartitions: 3,
            replicationFactor: -1,
            ...(isTopic(topic) ? TOPIC_SETTINGS[topic] : {}),
            ...options,
          })),
        });
      } catch (error) {
        createError = error; // often "already exists": another service won the race; the wait below decides
      }
    }
    await this.waitForLeaders(admin, wanted, createError);
  }

  private async waitForLeaders(admin: Admin, topics: string[], createError: unknown): Promise<void> {
    const deadline = Date.now() + TOPIC_READY_TIMEOUT_MS;
    let lastError: unknown = createError;
    while (Date.now() < deadline) {
      try {
        const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
        if (metadata.length === topics.length && metadata.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
      } catch (error) {
        lastError = error; // unknown topic or no leader yet
      }
      await sleep(200);
    }
    throw new Error(
      `topics ${topics.join(', ')} have no leaders after ${TOPIC_READY_TIMEOUT_MS} ms: ${(lastError as Error | undefined)?.message ?? 'metadata incomplete'}`,
    );
  }

  /** The next offset to be written on each partition of a topic (where a reader that wants everything must get to). */
  async endOffsets(topic: string): Promise<Map<number, bigint>> {
    const admin = await this.connectedAdmin();
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
  }

  /** How far a consumer group is behind on each topic: the sum over partitions of end offset minus committed offset. */
  async groupLag(groupId: string, topics: string[], fromBeginning: boolean): Promise<Map<string, number>> {
    try {
      const admin = await this.connectedAdmin();
      const committed = await admin.fetchOffsets({ groupId, topics });
      const lag = new Map<string, number>();
      for (const { topic, partitions } of committed) {
        const ends = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, o]));
        let behind = 0n;
        for (const { partition, offset } of partitions) {
          const end = ends.get(partition);
          if (!end) continue;
          // Nothing committed yet: the group starts at the beginning or at the end, as it was configured.
          const position = BigInt(offset) >= 0n ? BigInt(offset) : fromBeginning ? BigInt(end.low) : BigInt(end.high);
          if (BigInt(end.high) > position) behind += BigInt(end.high) - position;
        }
        lag.set(topic, Number(behind));
      }
      return lag;
    } catch (error) {
      await this.resetAdmin();
      throw error;
    }
  }

  /** Answers whether a broker responds now (readiness). */
  async describeCluster(): Promise<{ brokers: number; controller: number | null }> {
    try {
      const admin = await this.connectedAdmin();
      const cluster = await admin.describeCluster();
      return { brokers: cluster.brokers.length, controller: cluster.controller };
    } catch (error) {
      await this.resetAdmin();
      throw error;
    }
  }

  private async connectedAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin({ retry: { retries: 2, initialRetryTime: 200 } });
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }

  private async resetAdmin(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.resetAdmin();
  }
}
