import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import './kafkajs-idle-timer.js';
import { Kafka, logLevel, type Admin, type ITopicConfig, type LogEntry } from 'kafkajs';
import { TOPIC_SETTINGS, isTopic } from '@bp/contracts';
import { ServiceConfig, brokersOf } from '@bp/platform';
import { kafkaSecurity } from './kafka-security.js';

const TOPIC_READY_TIMEOUT_MS = 30_000;

const LEVELS: Record<number, 'error' | 'warn' | 'log' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'log',
  [logLevel.DEBUG]: 'debug',
};

/** A position in one partition of a topic. */
export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: bigint;
}

/**
 * How a topic is created: with `partitions` partitions unless TOPIC_SETTINGS gives it its own count
 * (and its own configuration, such as compaction).
 */
export function topicConfig(topic: string, partitions: number): ITopicConfig {
  return { topic, numPartitions: partitions, replicationFactor: -1, ...(isTopic(topic) ? TOPIC_SETTINGS[topic] : {}) };
}

/** The process's one kafkajs client, logging through Nest's (pino) logger, plus an admin connection for topics and health. */
@Injectable()
export class KafkaClient implements OnApplicationShutdown {
  readonly kafka: Kafka;
  private admin?: Admin;
  private readonly logger = new Logger('kafkajs');
  private readonly partitions: number;
  /** KAFKA_PRODUCE_LINGER_MS, for the producer. */
  readonly produceLingerMs: number;

  constructor(config: ServiceConfig) {
    const service = process.env['SERVICE_NAME'] ?? 'service';
    this.partitions = config.KAFKA_TOPIC_PARTITIONS;
    this.produceLingerMs = config.KAFKA_PRODUCE_LINGER_MS;
    this.kafka = new Kafka({
      clientId: service,
      brokers: brokersOf(config),
      ...kafkaSecurity(config),
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
   * Creates the topics that do not exist yet, grows those with fewer partitions than configured, and
   * waits until every partition of every topic has a leader. Idempotent and safe when several
   * services create or grow the same topic at once.
   */
  async ensureTopics(topics: string[]): Promise<void> {
    const wanted = [...new Set(topics)];
    const admin = await this.connectedAdmin();
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((t) => !existing.has(t));
    let createError: unknown;
    if (missing.length > 0) {
      try {
        await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => topicConfig(topic, this.partitions)) });
      } catch (error) {
        createError = error; // often "already exists": another service won the race; the wait below decides
      }
    }
    await this.waitForLeaders(admin, wanted, createError);
    // The broker's metadata shows added partitions a moment after the grow returns: wait for the count, and their leaders.
    if (await this.growPartitions(admin, wanted)) await this.waitForLeaders(admin, wanted, undefined, (topic) => this.partitionsOf(topic));
  }

  private partitionsOf(topic: string): number {
    return topicConfig(topic, this.partitions).numPartitions ?? this.partitions;
  }

  /**
   * Adds partitions to topics that have fewer than configured. Keys hash to other partitions from
   * then on: messages already queued under the old count may be handled out of order with newer ones
   * of the same key, once. A topic another service grew at the same moment is fine; a grow the
   * cluster refuses (permissions) leaves the topic as it is, which works, with less parallelism.
   */
  private async growPartitions(admin: Admin, topics: string[]): Promise<boolean> {
    const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
    let grown = false;
    for (const { name, partitions } of metadata) {
      const count = this.partitionsOf(name);
      if (partitions.length >= count) continue;
      try {
        await admin.createPartitions({ topicPartitions: [{ topic: name, count }] });
        this.logger.warn({ message: 'topic grown: its keys move to other partitions once', topic: name, from: partitions.length, to: count });
        grown = true;
      } catch (error) {
        // INVALID_PARTITIONS: another service grew it first (its new partitions may still lack leaders).
        if ((error as { type?: string }).type === 'INVALID_PARTITIONS') grown = true;
        else
          this.logger.warn({
            message: 'could not grow topic; it keeps its partitions',
            topic: name,
            partitions: partitions.length,
            wanted: count,
            error: (error as Error).message,
          });
      }
    }
    return grown;
  }

  /** Until every topic has at least `minPartitions` partitions (one, unless given), each with a leader. */
  private async waitForLeaders(admin: Admin, topics: string[], createError: unknown, minPartitions: (topic: string) => number = () => 1): Promise<void> {
    const deadline = Date.now() + TOPIC_READY_TIMEOUT_MS;
    let lastError: unknown = createError;
    while (Date.now() < deadline) {
      try {
        const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
        const ready = (t: (typeof metadata)[number]) => t.partitions.length >= minPartitions(t.name) && t.partitions.every((p) => p.leader >= 0);
        if (metadata.length === topics.length && metadata.every(ready)) return;
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

  /** The log end of each partition of `topics` where group `groupId` has committed nothing: where the group starts when it starts at the end. */
  async uncommittedEnds(groupId: string, topics: string[]): Promise<PartitionOffset[]> {
    try {
      const admin = await this.connectedAdmin();
      const ends: PartitionOffset[] = [];
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics })) {
        const unset = new Set(partitions.filter((p) => BigInt(p.offset) < 0n).map((p) => p.partition));
        if (unset.size === 0) continue;
        for (const [partition, offset] of await this.endOffsets(topic)) if (unset.has(partition)) ends.push({ topic, partition, offset });
      }
      return ends;
    } catch (error) {
      await this.resetAdmin();
      throw error;
    }
  }

  /** Deletes a consumer group that has no members left (a process's own group, when it stops). */
  async deleteGroup(groupId: string): Promise<void> {
    await (await this.connectedAdmin()).deleteGroups([groupId]);
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
