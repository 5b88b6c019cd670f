import { Logger } from '@nestjs/common';
import { counter } from '@bp/platform';
import {
  FALLBACK_REASONS,
  type FallbackReason,
  SharedCounterFailure,
  type SharedWindowCounter,
  type WindowCount,
  type WindowCounter,
} from './window-counter.js';

/** After a failure, how long checks go straight to memory before Redis is tried again (one slow check per second at most). */
export const RETRY_SHARED_AFTER_MS = 1000;

function fallbackCounter() {
  const fallbacks = counter('gateway_rate_limit_fallback_total', 'Rate-limit checks counted in process memory because Redis could not be used', ['reason']);
  for (const reason of FALLBACK_REASONS) fallbacks.inc({ reason }, 0); // declared at startup, so the first fallback shows as an increase
  return fallbacks;
}

/**
 * Rate limits fail open: a check is counted in Redis when it can be, and in this process's memory
 * (same limits, same windows) when Redis is not connected, errs or does not answer within its command
 * timeout — so a Redis outage never fails or hangs a request. After a failure Redis is left alone for
 * RETRY_SHARED_AFTER_MS, so a hung Redis costs at most one timed-out check a second. Each check
 * counted in memory increments gateway_rate_limit_fallback_total{reason}; the switches are logged once.
 */
export class FailOpenWindowCounter implements WindowCounter {
  private readonly logger = new Logger('RateLimits');
  private readonly fallbacks = fallbackCounter();
  private failure?: { reason: FallbackReason; retryAt: number };

  constructor(
    private readonly shared: SharedWindowCounter,
    private readonly local: WindowCounter,
    private readonly now: () => number = Date.now,
  ) {}

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    if (this.shared.available && (!this.failure || this.now() >= this.failure.retryAt)) {
      try {
        const count = await this.shared.hit(key, windowMs);
        this.recovered();
        return count;
      } catch (error) {
        this.failed(error instanceof SharedCounterFailure ? error.reason : 'error');
      }
    } else if (!this.shared.available) {
      this.failed('unavailable');
    }
    this.fallbacks.inc({ reason: this.failure!.reason });
    return this.local.hit(key, windowMs);
  }

  private failed(reason: FallbackReason): void {
    if (!this.failure) this.logger.warn({ message: 'rate limits counted in memory: Redis cannot be used', reason });
    this.failure = { reason, retryAt: this.now() + RETRY_SHARED_AFTER_MS };
  }

  private recovered(): void {
    if (!this.failure) return;
    this.failure = undefined;
    this.logger.log('rate limits counted in Redis again');
  }
}
