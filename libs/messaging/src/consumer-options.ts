import { DomainError } from '@bp/domain';
import type { Topic } from '@bp/contracts';
import type { ServiceConfig } from '@bp/platform';

export interface MessagingOptions {
  /** 'mongo' for services with a database (which also keeps the last-known feature flags); 'none' for a stateless consumer (every replica gets every message). */
  inbox: 'mongo' | 'none';
  /** Overrides the consumer group derived from config (the gateway gives each replica its own). */
  groupId?: string;
  extraTopics?: Topic[];
  /**
   * Serves GET /internal/feature-flags (what this replica sees) on the service's port; false for the
   * gateway, whose port is public: nothing under /internal is ever reachable there.
   */
  internalRoutes?: boolean;
  /**
   * A consumer group of this one process (the gateway's live stream, one group per replica start):
   * no dead-letter topic — a message it cannot take is logged and skipped, it has nothing to keep —
   * and the group is deleted when the process stops, so restarts leave nothing behind.
   */
  ephemeral?: boolean;
}

export interface ConsumerOptions {
  groupId: string;
  /** See MessagingOptions.ephemeral. */
  ephemeral: boolean;
  fromBeginning: boolean;
  /** Attempts in place before the message is parked on the retry topic. */
  maxAttempts: number;
  /** Delay before the second attempt; doubles each time, up to retryMaxBackoffMs. */
  retryBackoffMs: number;
  retryMaxBackoffMs: number;
  /** Rounds on the group's retry topic before the dead-letter topic (0: none), the first after retryTopicDelayMs, doubling. */
  retryTopicRounds: number;
  retryTopicDelayMs: number;
  /** Topics to consume even without a handler here (a command topic whose commands are not handled yet still dead-letters them). */
  extraTopics: Topic[];
  /** Partitions whose fetched batches are dispatched at once (kafkajs partitionsConsumedConcurrently). */
  partitionsConsumedConcurrently: number;
  /** Keys of one partition handled at once; one key's messages are handled one at a time, in offset order. */
  keyConcurrency: number;
  /** Messages of one partition past its committable offset at most; a full partition is paused. */
  maxInFlightPerPartition: number;
  /** The least time from one fetch that brought messages to the next (KAFKA_FETCH_GATHER_MS). */
  fetchGatherMs: number;
  /** How long a fetch waits on the broker for something new (KAFKA_FETCH_MAX_WAIT_MS). */
  fetchMaxWaitMs: number;
  /** How long close() waits for the messages in flight before it commits what finished and leaves the group. */
  drainTimeoutMs: number;
}

export const CONSUMER_OPTIONS = Symbol('CONSUMER_OPTIONS');

/** A service's consumer settings: its validated config, and what its module asked for. */
export function consumerOptionsFrom(config: ServiceConfig, options: MessagingOptions): ConsumerOptions {
  return {
    groupId: options.groupId ?? config.KAFKA_GROUP_ID ?? process.env['SERVICE_NAME'] ?? 'service',
    ephemeral: options.ephemeral ?? false,
    fromBeginning: options.inbox === 'none' ? false : config.KAFKA_FROM_BEGINNING,
    maxAttempts: config.KAFKA_MAX_ATTEMPTS,
    retryBackoffMs: config.KAFKA_RETRY_BACKOFF_MS,
    retryMaxBackoffMs: config.KAFKA_RETRY_MAX_BACKOFF_MS,
    retryTopicRounds: options.ephemeral ? 0 : config.KAFKA_RETRY_TOPIC_ROUNDS,
    retryTopicDelayMs: config.KAFKA_RETRY_TOPIC_DELAY_MS,
    extraTopics: options.extraTopics ?? [],
    partitionsConsumedConcurrently: config.KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY,
    keyConcurrency: config.KAFKA_KEY_CONCURRENCY,
    maxInFlightPerPartition: config.KAFKA_MAX_IN_FLIGHT_PER_PARTITION,
    fetchGatherMs: config.KAFKA_FETCH_GATHER_MS,
    fetchMaxWaitMs: config.KAFKA_FETCH_MAX_WAIT_MS,
    // Half the shutdown budget: the other half commits, leaves the group and closes HTTP and the outbox relay.
    drainTimeoutMs: Math.floor(config.SHUTDOWN_TIMEOUT_MS / 2),
  };
}

/** Whether a handler's failure is worth trying again: anything but a domain rule's no (DomainError.retryable), which is dead-lettered at once. */
export function isRetryable(error: unknown): boolean {
  return !(error instanceof DomainError) || error.retryable;
}

/** Command topics must have a handler for every message; event topics carry types a consumer may ignore. */
export function isCommandTopic(topic: string): boolean {
  return topic.includes('.commands.');
}
