import type { Redis } from 'ioredis';
import { type FallbackReason, SharedCounterFailure, type SharedWindowCounter, type WindowCount } from './window-counter.js';

/** INCR the key; on its first hit (or if it somehow lost its expiry) the window starts: PEXPIRE. Atomic in Redis. */
const COUNT_IN_WINDOW = `
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { hits, ttl }
`;

function reasonOf(error: unknown): FallbackReason {
  const message = (error as Error).message ?? '';
  if (message === 'Command timed out') return 'timeout'; // ioredis's commandTimeout
  // Not connected (no offline queue), or the connection dropped under the command (no retries).
  if (/Stream isn't writeable|Connection is closed|max retries per request/i.test(message)) return 'unavailable';
  return 'error';
}

/** Fixed windows in Redis, shared by every gateway replica. */
export class RedisWindowCounter implements SharedWindowCounter {
  constructor(private readonly redis: Redis) {}

  get available(): boolean {
    return this.redis.status === 'ready';
  }

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    try {
      const [hits, msToReset] = (await this.redis.eval(COUNT_IN_WINDOW, 1, key, windowMs)) as [number, number];
      return { hits, msToReset };
    } catch (error) {
      throw new SharedCounterFailure(reasonOf(error));
    }
  }
}
