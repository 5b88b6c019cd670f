// Booking-svc benchmark against the running platform (`npm run up && npm run bench:booking`); see
// bench/README.md. Measured from this process over HTTP (Node's fetch, keep-alive), as the gateway
// calls booking-svc's internal API. Every run makes fresh providers and patients (bench-<run id>-…),
// so runs never collide; the data stays in the database.
//
//   a) availability: GET 60 days of a 24/7 provider that has BENCH_SEED_BOOKINGS (1000) bookings,
//      BENCH_AVAILABILITY_REQUESTS (200) times at concurrency BENCH_AVAILABILITY_CONCURRENCY (4)
//   b) reservation → booking pairs: BENCH_BOOKINGS (300) pairs by distinct patients at distinct slots
//      of another fresh provider, concurrency BENCH_CONCURRENCY (16)
// Percentiles are nearest-rank over all samples. The last line of output is one JSON object.
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { DateTime } from 'luxon';
import { BOOKING_URL, callBookingSvc as call, ensureBookingSvcReady as ensureReady } from '../scripts/lib/booking-api.mjs';
import { infraHome, parseEnvFile } from '../scripts/lib/env.mjs';
import { SERVICE_ID, ZONE, createProvider, newRunId, reserveAndBook, spreadSlots } from './lib/platform.mjs';
import { int } from './lib/settings.mjs';
import { countBy, latencyLine as fmt, pool, summarize as stats } from './lib/stats.mjs';

const cfg = {
  seedBookings: int('BENCH_SEED_BOOKINGS', 1000),
  seedConcurrency: int('BENCH_SEED_CONCURRENCY', 16),
  availabilityRequests: int('BENCH_AVAILABILITY_REQUESTS', 200),
  availabilityConcurrency: int('BENCH_AVAILABILITY_CONCURRENCY', 4),
  availabilityWarmup: int('BENCH_AVAILABILITY_WARMUP', 5),
  bookings: int('BENCH_BOOKINGS', 300),
  concurrency: int('BENCH_CONCURRENCY', 16),
  settleMs: Number(process.env.BENCH_SETTLE_MS ?? 3000),
};

const RUN = newRunId();
const ok = (answer) => answer.status >= 200 && answer.status < 300;
const statusCounts = (answers) => countBy(answers, (a) => a.status);
const firstError = (answers) => {
  const failed = answers.find((a) => !ok(a));
  return failed && (failed.body?.error ?? { code: failed.code });
};

// ---------------------------------------------------------------- run

await ensureReady();
const infra = parseEnvFile(join(infraHome, 'env'));
const environment = {
  node: process.version,
  mongoEngine: infra.MONGO_ENGINE ?? process.env.MONGO_ENGINE ?? 'unknown (no .infra/env)',
  cpus: availableParallelism(),
  cpuModel: cpus()[0]?.model ?? 'unknown',
  loadAverage1m: Math.round(loadavg()[0] * 100) / 100,
  bookingSvc: BOOKING_URL,
  run: RUN,
};
console.log('booking-svc benchmark');
console.log(
  `  node ${environment.node}, MONGO_ENGINE ${environment.mongoEngine}, ${environment.cpus} CPUs (${environment.cpuModel}), load average ${environment.loadAverage1m} at start`,
);
console.log(`  target ${BOOKING_URL}, run id ${RUN}`);
console.log('  (client, services, Kafka and the database share this machine: numbers are for comparison on it, not capacity planning)\n');

// a) availability over 60 days with 1,000 bookings
console.log(`[a] availability, 60 days, provider with ${cfg.seedBookings} bookings`);
const availProvider = await createProvider(`bench-${RUN}-avail`);
const seedSlots = spreadSlots(cfg.seedBookings, 60);
console.log(`  seeding ${cfg.seedBookings} reservation → booking pairs…`);
const seedStarted = performance.now();
const seeded = await pool(cfg.seedBookings, cfg.seedConcurrency, (i) =>
  reserveAndBook(availProvider, seedSlots[i], `bench-${RUN}-a-${i}`, { retryRefusals: true }),
);
const seedSeconds = (performance.now() - seedStarted) / 1000;
const seededOk = seeded.filter((r) => r.booking && ok(r.booking)).length;
const seedFailures = seeded.filter((r) => !(r.booking && ok(r.booking)));
console.log(
  `  seeded: ${seededOk}/${cfg.seedBookings} bookings in ${seedSeconds.toFixed(1)} s (${(seededOk / seedSeconds).toFixed(1)}/s, concurrency ${cfg.seedConcurrency})`,
);
if (seedFailures.length > 0) {
  console.log(
    `  seeding failures: ${seedFailures.length}, statuses ${JSON.stringify(statusCounts(seedFailures.map((r) => r.booking ?? r.reservation)))}, first ${JSON.stringify(firstError(seedFailures.map((r) => r.booking ?? r.reservation)))}`,
  );
}
if (cfg.settleMs > 0) await sleep(cfg.settleMs); // let the bookings' messages leave the outbox before measuring

const today = DateTime.now().setZone(ZONE).startOf('day');
const from = today.toISODate();
const to = today.plus({ days: 59 }).toISODate();
const availabilityPath = `/internal/providers/${availProvider}/availability?serviceId=${SERVICE_ID}&from=${from}&to=${to}&timezone=Europe/Berlin`;
const viewer = { type: 'patient', id: `bench-${RUN}-viewer` };
console.log(
  `  measuring GET …/availability from=${from} to=${to} (${ZONE}): ${cfg.availabilityRequests} requests, concurrency ${cfg.availabilityConcurrency}, after ${cfg.availabilityWarmup} warm-up requests…`,
);
for (let i = 0; i < cfg.availabilityWarmup; i++) await call('GET', availabilityPath, viewer);
const availStarted = performance.now();
const availability = await pool(cfg.availabilityRequests, cfg.availabilityConcurrency, () => call('GET', availabilityPath, viewer));
const availSeconds = (performance.now() - availStarted) / 1000;
const availOk = availability.filter(ok);
const slotCounts = [...new Set(availOk.map((a) => a.body.data.slots.length))];
const responseKb = availOk.length ? Math.round(JSON.stringify(availOk[0].body).length / 1024) : 0;
const availStats = stats(availability.map((a) => a.ms));
console.log(`  latency: ${fmt(availStats)}`);
console.log(
  `  ${(cfg.availabilityRequests / availSeconds).toFixed(1)} requests/s; slots returned: ${slotCounts.join(', ') || '-'} (~${responseKb} KB per answer); non-2xx: ${availability.length - availOk.length}`,
);
if (availOk.length < availability.length)
  console.log(`  statuses ${JSON.stringify(statusCounts(availability))}, first error ${JSON.stringify(firstError(availability))}`);

// b) reservation → booking pairs
console.log(`\n[b] reservation → booking, ${cfg.bookings} pairs by distinct patients, concurrency ${cfg.concurrency}`);
const pairProvider = await createProvider(`bench-${RUN}-pairs`);
const pairSlots = spreadSlots(cfg.bookings, 30);
const pairsStarted = performance.now();
const pairs = await pool(cfg.bookings, cfg.concurrency, (i) => reserveAndBook(pairProvider, pairSlots[i], `bench-${RUN}-b-${i}`));
const pairsSeconds = (performance.now() - pairsStarted) / 1000;
const completed = pairs.filter((p) => p.booking && ok(p.booking));
const answers = pairs.flatMap((p) => (p.booking ? [p.reservation, p.booking] : [p.reservation]));
const non2xx = answers.filter((a) => !ok(a)).length;
const reservationStats = stats(pairs.map((p) => p.reservation.ms));
const bookingStats = stats(pairs.filter((p) => p.booking).map((p) => p.booking.ms));
const pairStats = stats(completed.map((p) => p.pairMs));
const pairsPerSecond = Math.round((completed.length / pairsSeconds) * 10) / 10;
console.log(
  `  ${completed.length}/${cfg.bookings} pairs in ${pairsSeconds.toFixed(2)} s: ${pairsPerSecond} pairs/s (${((2 * completed.length) / pairsSeconds).toFixed(1)} requests/s)`,
);
console.log(`  reservation: ${fmt(reservationStats)}`);
console.log(`  booking:     ${fmt(bookingStats)}`);
console.log(`  pair:        ${fmt(pairStats)}`);
console.log(
  `  non-2xx answers: ${non2xx}${non2xx ? ` ${JSON.stringify(statusCounts(answers.filter((a) => !ok(a))))}, first ${JSON.stringify(firstError(answers))}` : ''}`,
);

const result = {
  environment,
  config: cfg,
  availability: {
    providerId: availProvider,
    seedBookings: cfg.seedBookings,
    seededOk,
    seedSeconds: Math.round(seedSeconds * 100) / 100,
    from,
    to,
    timezone: ZONE,
    requests: cfg.availabilityRequests,
    concurrency: cfg.availabilityConcurrency,
    latencyMs: availStats,
    requestsPerSecond: Math.round((cfg.availabilityRequests / availSeconds) * 10) / 10,
    slotCounts,
    non2xx: availability.length - availOk.length,
  },
  bookings: {
    providerId: pairProvider,
    pairs: cfg.bookings,
    completed: completed.length,
    concurrency: cfg.concurrency,
    seconds: Math.round(pairsSeconds * 100) / 100,
    pairsPerSecond,
    reservationMs: reservationStats,
    bookingMs: bookingStats,
    pairMs: pairStats,
    non2xx,
  },
};
console.log(`\n${JSON.stringify(result)}`);
process.exitCode = availOk.length === availability.length && non2xx === 0 && seededOk === cfg.seedBookings ? 0 : 1;
