import type { Topic } from '@bp/contracts';

export interface ConsumerOptions {
  groupId: string;
  fromBeginning: boolean;
  maxAttempts: number;
  /** Delay before the second attempt; doubles each time. */
  retryBackoffMs: number;
  /** Topics to consume even without a handler here (a command topic whose commands are not handled yet still dead-letters them). */
  extraTopics: Topic[];
}

export const CONSUMER_OPTIONS = Symbol('CONSUMER_OPTIONS');

/** A handler error that retrying cannot fix (a domain rule): dead-lettered at once. */
export function isRetryable(error: unknown): boolean {
  return (error as { retryable?: unknown } | null)?.retryable !== false;
}

/** Command topics must have a handler for every message; event topics carry types a consumer may ignore. */
export function isCommandTopic(topic: string): boolean {
  return topic.includes('.commands.');
}
