// A barrier between phases instead of a fixed sleep: wait until the services have nothing left in their
// outboxes and their consumer groups no lag (their own gauges), up to a bound.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { serviceUrl } from './platform.mjs';
import { parseSamples, scrape } from './prometheus.mjs';

/** Where work is still queued: "booking-svc lag 12, payment-svc outbox 3", or '' when none. */
async function backlog(services) {
  const texts = await scrape(Object.fromEntries(services.map((name) => [name, serviceUrl(name)])));
  const busy = [];
  for (const [name, text] of Object.entries(texts)) {
    if (!text) {
      busy.push(`${name} /metrics unanswered`);
      continue;
    }
    const sum = (metric) => parseSamples(text, metric).reduce((total, s) => total + s.value, 0);
    const lag = sum('kafka_consumer_group_lag');
    const outbox = sum('outbox_pending_documents');
    if (lag > 0) busy.push(`${name} lag ${lag}`);
    if (outbox > 0) busy.push(`${name} outbox ${outbox}`);
  }
  return busy.join(', ');
}

/**
 * Polls the services' /metrics each second until no backlog, at most `maxSeconds`. (Consumer lag is
 * measured every 10 s by the services, so quiet can be seen up to 10 s late.)
 */
export async function waitForQuiet(services, maxSeconds) {
  const started = performance.now();
  let busy = '';
  for (;;) {
    busy = await backlog(services);
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    if (!busy) return { quiet: true, seconds };
    if (seconds >= maxSeconds) return { quiet: false, seconds, busy };
    await sleep(1000);
  }
}
