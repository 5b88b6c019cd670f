import { metricsRegistry } from '@bp/platform';
import { FailOpenWindowCounter, RETRY_SHARED_AFTER_MS } from './fail-open-window-counter.js';
import { MemoryWindowCounter } from './memory-window-counter.js';
import { type FallbackReason, SharedCounterFailure, type SharedWindowCounter, type WindowCount } from './window-counter.js';

/** A shared counter under the test's control: up or not, answering from memory or failing with a reason. */
class ScriptedShared implements SharedWindowCounter {
  available = true;
  failWith?: FallbackReason;
  calls = 0;
  private readonly store = new MemoryWindowCounter();
  async hit(key: string, windowMs: number): Promise<WindowCount> {
    this.calls++;
    if (this.failWith) throw new SharedCounterFailure(this.failWith);
    return this.store.hit(key, windowMs);
  }
}

async function fallbacks(reason: FallbackReason): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric('gateway_rate_limit_fallback_total')!.get();
  return metric.values.find((v) => v.labels['reason'] === reason)?.value ?? 0;
}

describe('FailOpenWindowCounter', () => {
  let now: number;
  let shared: ScriptedShared;
  let counter: FailOpenWindowCounter;

  beforeEach(() => {
    now = 0;
    shared = new ScriptedShared();
    counter = new FailOpenWindowCounter(shared, new MemoryWindowCounter(() => now), () => now);
  });

  it('counts in the shared counter while it works, without fallbacks', async () => {
    const before = await Promise.all((['unavailable', 'timeout', 'error'] as const).map(fallbacks));
    expect((await counter.hit('k', 60_000)).hits).toBe(1);
    expect((await counter.hit('k', 60_000)).hits).toBe(2);
    expect(shared.calls).toBe(2);
    expect(await Promise.all((['unavailable', 'timeout', 'error'] as const).map(fallbacks))).toEqual(before);
  });

  it.each(['timeout', 'error'] as const)('counts in memory, with the same windows, when the shared counter fails with %s', async (reason) => {
    const before = await fallbacks(reason);
    shared.failWith = reason;
    const counts = [await counter.hit('k', 60_000), await counter.hit('k', 60_000), await counter.hit('k', 60_000)];
    expect(counts.map((c) => c.hits)).toEqual([1, 2, 3]);
    expect(counts[0]!.msToReset).toBe(60_000);
    expect(await fallbacks(reason)).toBe(before + 3);
  });

  it('does not ask a shared counter that is not connected', async () => {
    const before = await fallbacks('unavailable');
    shared.available = false;
    expect((await counter.hit('k', 60_000)).hits).toBe(1);
    expect(shared.calls).toBe(0);
    expect(await fallbacks('unavailable')).toBe(before + 1);
  });

  it('after a failure leaves the shared counter alone for a while, then uses it again once it works', async () => {
    shared.failWith = 'timeout';
    await counter.hit('k', 60_000);
    shared.failWith = undefined;
    await counter.hit('k', 60_000);
    expect(shared.calls).toBe(1); // the second check did not wait on a counter that just timed out
    now += RETRY_SHARED_AFTER_MS;
    expect((await counter.hit('k', 60_000)).hits).toBe(1); // counted in the shared counter again, from its own count
    expect(shared.calls).toBe(2);
  });
});
