import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { Redis } from 'ioredis';
import { GatewayConfig } from '../config/gateway.config.js';
import { FailOpenWindowCounter } from './fail-open-window-counter.js';
import { MemoryWindowCounter } from './memory-window-counter.js';
import { RedisWindowCounter } from './redis-window-counter.js';

/**
 * The throttler's storage: one fixed window per throttler and tracker, counted in Redis (shared by
 * every replica) or, when Redis cannot be used, in memory (FailOpenWindowCounter). Over the limit a
 * client is refused until its window ends and no longer: no extra block (docs/gateway-api.md).
 */
type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

@Injectable()
export class RateLimitStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly redis: Redis;
  private readonly counter: FailOpenWindowCounter;

  constructor(config: GatewayConfig) {
    this.redis = new Redis(config.REDIS_URL, {
      // A command Redis does not answer in time fails (and the check falls back); none waits for a
      // connection or is retried on a new one: a check never takes longer than the command timeout.
      commandTimeout: config.RATE_LIMIT_REDIS_TIMEOUT_MS,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    this.redis.on('error', () => undefined); // ioredis reconnects by itself; the fallback counter and its log say when Redis is away
    this.counter = new FailOpenWindowCounter(new RedisWindowCounter(this.redis), new MemoryWindowCounter());
  }

  async increment(key: string, ttl: number, limit: number, _blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const { hits, msToReset } = await this.counter.hit(`rl:${throttlerName}:${key}`, ttl);
    const isBlocked = hits > limit;
    const secondsToReset = Math.max(1, Math.ceil(msToReset / 1000));
    return { totalHits: hits, timeToExpire: secondsToReset, isBlocked, timeToBlockExpire: isBlocked ? secondsToReset : 0 };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
