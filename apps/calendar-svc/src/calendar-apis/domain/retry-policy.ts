import { CalendarApiError } from './calendar-api.js';

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  /** A wait longer than this (a long Retry-After) is not slept through: the error goes up with its retryAfterMs. */
  maxInlineWaitMs: number;
}

/** The wait before retry number `attempt` (1-based): Retry-After when the service gave one, otherwise exponential. */
export function retryDelayMs(error: CalendarApiError, attempt: number, baseDelayMs: number): number {
  return error.retryAfterMs ?? baseDelayMs * 2 ** (attempt - 1);
}

/**
 * Runs a calendar call, retrying rate limits (429) and unavailability (5xx, timeouts) with backoff
 * that honours Retry-After. Anything else, or a wait above the inline limit, is thrown at once.
 */
export async function callWithRetry<T>(call: () => Promise<T>, policy: RetryPolicy, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof CalendarApiError) || !error.retryable || attempt >= policy.attempts) throw error;
      const delay = retryDelayMs(error, attempt, policy.baseDelayMs);
      if (delay > policy.maxInlineWaitMs) throw error;
      await sleep(delay);
    }
  }
}
