// Phase 1: availability over 60 days for a provider with 1,000 bookings, through the gateway (a patient
// token, X-Timezone) and directly on booking-svc's internal API, the same query both ways.
import { performance } from 'node:perf_hooks';
import { DateTime } from 'luxon';
import { callBookingSvc } from '../../scripts/lib/booking-api.mjs';
import { answerKey, ok } from '../lib/http.mjs';
import { PATIENT_ZONE, SERVICE_ID, ZONE, createProvider, reserveAndBook, spreadSlots } from '../lib/platform.mjs';
import { countsText } from '../lib/report.mjs';
import { countBy, latencyLine, msOf, pool, round, summarize } from '../lib/stats.mjs';
import { TARGETS } from '../lib/targets.mjs';

/** What is kept of one answer (a 60-day answer is most of a megabyte parsed; hundreds of them would crowd the client's heap). */
const slim = (answer) => ({
  status: answer.status,
  code: answer.code ?? answer.body?.error?.code,
  timedOut: answer.timedOut,
  ms: answer.ms,
  bytes: answer.bytes ?? Buffer.byteLength(JSON.stringify(answer.body ?? '')),
  slots: answer.body?.data?.slots?.length,
});

/** Warm-up, then `requests` measured calls at `concurrency`: latency, sizes, slot counts, answers by status. */
async function measure(cfg, call) {
  for (let i = 0; i < cfg.availabilityWarmup; i++) await call(i);
  const started = performance.now();
  const answers = await pool(cfg.availabilityRequests, cfg.availabilityConcurrency, (i) => call(i).then(slim));
  const seconds = (performance.now() - started) / 1000;
  const good = answers.filter(ok);
  return {
    latencyMs: summarize(answers.map((a) => a.ms)),
    requestsPerSecond: round(answers.length / seconds, 1),
    answers: countBy(answers, answerKey),
    slotCounts: [...new Set(good.map((a) => a.slots))],
    answerKB: good.length ? round(good[0].bytes / 1024, 0) : NaN,
  };
}

export async function availability(ctx) {
  const { cfg, run, log } = ctx;
  const providerId = await createProvider(`bench-${run}-avail`);
  log(`  seeding ${cfg.seedBookings} reservation → booking pairs through booking-svc (concurrency ${cfg.seedConcurrency})…`);
  const slots = spreadSlots(cfg.seedBookings, cfg.availabilityDays);
  const seedStarted = performance.now();
  const seeded = await pool(cfg.seedBookings, cfg.seedConcurrency, (i) => reserveAndBook(providerId, slots[i], `bench-${run}-a-${i}`, { retryRefusals: true }));
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const seededOk = seeded.filter((r) => r.booking && ok(r.booking)).length;
  const seedFailures = countBy(
    seeded.filter((r) => !(r.booking && ok(r.booking))),
    (r) => answerKey(r.booking ?? r.reservation),
  );
  log(`  seeded ${seededOk}/${cfg.seedBookings} in ${seedSeconds.toFixed(1)} s (${(seededOk / seedSeconds).toFixed(1)}/s)`);
  if (seededOk < cfg.seedBookings) log(`  seeding failures: ${countsText(seedFailures)}`);
  await ctx.quiet('seeded bookings');

  const today = DateTime.now().setZone(ZONE).startOf('day');
  const query = `serviceId=${SERVICE_ID}&from=${today.toISODate()}&to=${today.plus({ days: cfg.availabilityDays - 1 }).toISODate()}`;
  log(
    `  ${query} (${ZONE}), ${cfg.availabilityRequests} requests each way at concurrency ${cfg.availabilityConcurrency} after ${cfg.availabilityWarmup} warm-up`,
  );

  const direct = await measure(cfg, (i) =>
    callBookingSvc('GET', `/internal/providers/${providerId}/availability?${query}&timezone=${PATIENT_ZONE}`, {
      type: 'patient',
      id: `bench-${run}-viewer-${i % 16}`,
    }),
  );
  log(`  booking-svc: ${latencyLine(direct.latencyMs)}`);

  // Viewers take turns so the per-user limit (300/min) does not throttle one token; the phase's client address is its own.
  const viewers = await Promise.all(Array.from({ length: 16 }, (_, i) => ctx.sign('patient', `bench-${run}-viewer-${i}`)));
  const address = ctx.newAddressScope();
  const gateway = await measure(cfg, (i) =>
    ctx.gateway('GET', `/api/providers/${providerId}/availability?${query}`, {
      token: viewers[i % viewers.length],
      timezone: PATIENT_ZONE,
      forwardedFor: address(i),
    }),
  );
  log(`  gateway:     ${latencyLine(gateway.latencyMs)}`);

  const target = `p95 ≤ ${TARGETS.availabilityP95Ms} ms`;
  const latencyText = (m) => msOf(m.latencyMs, ['p50', 'p95', 'p99']);
  const allOk = (m) => Object.keys(m.answers).every((k) => k.startsWith('2'));
  const rows = [
    { name: 'seeded bookings', measured: `${seededOk}/${cfg.seedBookings} in ${round(seedSeconds, 1)} s (${round(seededOk / seedSeconds, 1)}/s)` },
    { name: 'gateway p50 / p95 / p99', measured: latencyText(gateway), target, met: allOk(gateway) && gateway.latencyMs.p95 <= TARGETS.availabilityP95Ms },
    { name: 'booking-svc p50 / p95 / p99', measured: latencyText(direct), target, met: allOk(direct) && direct.latencyMs.p95 <= TARGETS.availabilityP95Ms },
    { name: 'answer size, slots', measured: `${gateway.answerKB} KB, ${gateway.slotCounts.join('/') || '-'} slots` },
  ];
  for (const [way, m] of [
    ['gateway', gateway],
    ['booking-svc', direct],
  ])
    if (!allOk(m)) rows.push({ name: `${way} answers`, measured: countsText(m.answers), target: 'all 2xx', met: false });
  return {
    rows,
    json: { providerId, seedBookings: cfg.seedBookings, seededOk, seedSeconds: round(seedSeconds), seedFailures, query, gateway, direct },
  };
}
