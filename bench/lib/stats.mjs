// Statistics over every sample (no sampling, no histograms): nearest-rank percentiles.

export const round = (x, digits = 2) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x);

/** Nearest-rank percentile of sorted samples: the smallest sample with at least p % of the samples at or below it. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];
}

/** n, p50, p95, p99, mean, min, max of the samples (NaN where there are none). */
export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, x) => sum + x, 0) / (sorted.length || NaN);
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    mean: round(mean),
    min: round(sorted[0] ?? NaN),
    max: round(sorted.at(-1) ?? NaN),
  };
}

/** How many items fall under each key, keys in first-seen order. */
export function countBy(items, key) {
  const counts = {};
  for (const item of items) {
    const k = key(item);
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

/** Runs task(0..count-1) with at most `concurrency` in flight (a closed loop); returns results in index order. */
export async function pool(count, concurrency, task) {
  const results = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/** A latency for the table: whole ms from 100 ms, one decimal below; ∞ for a sample never seen. */
export const msValue = (x) => (x === Infinity ? '∞' : Number.isFinite(x) ? String(x >= 100 ? Math.round(x) : round(x, 1)) : 'n/a');
/** "p50 / p99" (or any keys of a summary) as "12.3 / 250 ms". */
export const msOf = (summary, keys = ['p50', 'p99']) => `${keys.map((k) => msValue(summary[k])).join(' / ')} ms`;
export const latencyLine = (s) => `p50 ${s.p50} ms  p95 ${s.p95} ms  p99 ${s.p99} ms  mean ${s.mean} ms  (min ${s.min}, max ${s.max}, n=${s.n})`;
