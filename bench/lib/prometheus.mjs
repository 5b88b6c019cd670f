// Prometheus text exposition: scrape, histogram bucket deltas and quantiles interpolated within a bucket
// the way PromQL's histogram_quantile does.

/** Samples of one metric family's `_bucket` series: [{ labels, value }]. */
export function parseSamples(text, name) {
  const samples = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = line.match(/^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/);
    if (!match || match[1] !== name) continue;
    const labels = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key] = value.replace(/\\(.)/g, '$1');
    samples.push({ labels, value: Number(match[3]) });
  }
  return samples;
}

/** Scrapes /metrics of each base URL: name → the exposition text, or undefined when it did not answer 200. */
export async function scrape(urls) {
  const entries = await Promise.all(
    Object.entries(urls).map(async ([name, url]) => {
      try {
        const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) });
        const text = await response.text();
        return [name, response.ok ? text : undefined];
      } catch {
        return [name, undefined];
      }
    }),
  );
  return Object.fromEntries(entries);
}

/**
 * Cumulative bucket counts of histogram `name` per value of `by` (summed over the other labels):
 * Map(groupValue → Map(le → count)).
 */
export function bucketsBy(text, name, by) {
  const groups = new Map();
  for (const { labels, value } of parseSamples(text, `${name}_bucket`)) {
    const key = labels[by] ?? '';
    const le = labels.le === '+Inf' ? Infinity : Number(labels.le);
    const buckets = groups.get(key) ?? new Map();
    buckets.set(le, (buckets.get(le) ?? 0) + value);
    groups.set(key, buckets);
  }
  return groups;
}

/** after − before per bucket (a counter reset — the service restarted — leaves `after` as it is). */
export function bucketDelta(after, before = new Map()) {
  const delta = new Map();
  for (const [le, count] of after) {
    const previous = before.get(le) ?? 0;
    delta.set(le, count >= previous ? count - previous : count);
  }
  return delta;
}

/**
 * The q-quantile of cumulative buckets as histogram_quantile computes it: find the bucket holding rank
 * q × count and interpolate linearly inside it (from 0 for the first bucket); a rank in the +Inf bucket
 * answers the highest finite bound. NaN with no observations.
 */
export function histogramQuantile(q, buckets) {
  const sorted = [...buckets].sort(([a], [b]) => a - b);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (sorted.length < 2 || total === 0 || sorted.at(-1)[0] !== Infinity) return NaN;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [le, count] of sorted) {
    if (count >= rank) {
      if (le === Infinity) return sorted.at(-2)[0];
      if (count === lowerCount) return le;
      return lowerBound + (le - lowerBound) * ((rank - lowerCount) / (count - lowerCount));
    }
    lowerBound = le;
    lowerCount = count;
  }
  return NaN;
}
