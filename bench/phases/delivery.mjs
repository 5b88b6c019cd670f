// Phase 6: commit → consumer latency per consumer group, from the services' histogram
// messaging_delivery_seconds{topic,type,group} (outbox write → handled by the consumer), as the
// difference of its buckets scraped before and after the open-loop phase.
import { bucketDelta, bucketsBy, histogramQuantile, scrape } from '../lib/prometheus.mjs';
import { serviceNames, serviceUrl } from '../lib/platform.mjs';
import { round } from '../lib/stats.mjs';

const METRIC = 'messaging_delivery_seconds';

/** group → Map(le → count), summed over the services (and over topic and type). */
function byGroup(texts) {
  const groups = new Map();
  for (const text of Object.values(texts)) {
    if (!text) continue;
    for (const [group, buckets] of bucketsBy(text, METRIC, 'group')) {
      const sum = groups.get(group) ?? new Map();
      for (const [le, count] of buckets) sum.set(le, (sum.get(le) ?? 0) + count);
      groups.set(group, sum);
    }
  }
  return groups;
}

/** Scrapes now; `finish()` scrapes again and reports p50/p99 per group over what was delivered in between. */
export async function startDeliveryProbe() {
  const urls = Object.fromEntries(serviceNames.map((name) => [name, serviceUrl(name)]));
  const before = byGroup(await scrape(urls));
  return {
    async finish() {
      const afterTexts = await scrape(urls);
      const after = byGroup(afterTexts);
      const unanswered = Object.entries(afterTexts)
        .filter(([, text]) => !text)
        .map(([name]) => name);
      if (after.size === 0) {
        return {
          rows: [{ name: METRIC, measured: 'n/a (metric not exported)' }],
          json: { exported: false, unanswered },
        };
      }
      const groups = {};
      for (const [group, buckets] of after) {
        const delta = bucketDelta(buckets, before.get(group));
        groups[group] = {
          n: delta.get(Infinity) ?? 0,
          p50Ms: round(histogramQuantile(0.5, delta) * 1000, 1),
          p99Ms: round(histogramQuantile(0.99, delta) * 1000, 1),
        };
      }
      const rows = Object.entries(groups)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([group, g]) => ({ name: `group ${group} p50 / p99`, measured: g.n ? `${g.p50Ms} / ${g.p99Ms} ms (n=${g.n})` : 'no deliveries' }));
      if (unanswered.length) rows.push({ name: 'no /metrics answer', measured: unanswered.join(', ') });
      return { rows, json: { exported: true, groups, unanswered } };
    },
  };
}
