// An open-loop load generator: arrivals on a fixed clock, each started at its time whether or not the
// earlier ones have answered (a closed loop would slow down with the server and hide its queueing).
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Starts task(i, scheduledAt) for i = 0..count-1 at scheduledAt = t0 + i / rate seconds (performance.now()
 * clock) and resolves with every result once all have finished. `lagMs` on each result is how late the
 * client started it (its own event loop falling behind); a late arrival is started at once, never
 * skipped, so the offered load stays `count` arrivals. `sentSeconds` is the span from t0 to the last
 * start.
 */
export async function openLoop({ rate, count, task }) {
  const t0 = performance.now() + 20;
  const running = [];
  let lastStart = t0;
  for (let i = 0; i < count; i++) {
    const scheduledAt = t0 + (i * 1000) / rate;
    const early = scheduledAt - performance.now();
    if (early > 1) await sleep(early);
    lastStart = performance.now();
    const lagMs = Math.max(0, lastStart - scheduledAt);
    running.push(task(i, scheduledAt).then((result) => ({ ...result, lagMs })));
  }
  const results = await Promise.all(running);
  return { results, t0, sentSeconds: (lastStart - t0) / 1000, finishedSeconds: (performance.now() - t0) / 1000 };
}
