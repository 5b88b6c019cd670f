import type { WindowCount, WindowCounter } from './window-counter.js';

/** How often windows that have ended are dropped, so memory holds only the keys of recent minutes. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * Fixed windows in this process's memory: the same counting as Redis's, for when Redis cannot be
 * asked. Each gateway replica counts on its own, so with N replicas a client may get up to N times
 * the limit while Redis is away.
 */
export class MemoryWindowCounter implements WindowCounter {
  private readonly windows = new Map<string, { hits: number; endsAt: number }>();
  private nextSweepAt = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    const now = this.now();
    this.sweep(now);
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      window = { hits: 0, endsAt: now + windowMs };
      this.windows.set(key, window);
    }
    window.hits++;
    return { hits: window.hits, msToReset: window.endsAt - now };
  }

  /** Keys counted in a window that has not ended. */
  get size(): number {
    return this.windows.size;
  }

  private sweep(now: number): void {
    if (now < this.nextSweepAt) return;
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
    this.nextSweepAt = now + SWEEP_INTERVAL_MS;
  }
}
