// Phase 2: reservation → booking pairs in a closed loop through booking-svc's internal API (as
// bench:booking b does): distinct patients, distinct slots of a fresh provider, `concurrency` in flight.
import { performance } from 'node:perf_hooks';
import { cpuPerUnit, cpuPerUnitText, meterCpu, platformProcesses } from '../lib/cpu.mjs';
import { answerKey, ok } from '../lib/http.mjs';
import { createProvider, reserveAndBook, serviceNames, spreadSlots } from '../lib/platform.mjs';
import { countsText } from '../lib/report.mjs';
import { countBy, latencyLine, msOf, pool, round, summarize } from '../lib/stats.mjs';
import { TARGETS } from '../lib/targets.mjs';

export async function pairs(ctx) {
  const { cfg, run, log } = ctx;
  const providerId = await createProvider(`bench-${run}-pairs`);
  const slots = spreadSlots(cfg.bookings, 30);
  log(`  ${cfg.bookings} pairs at concurrency ${cfg.concurrency}…`);
  const meter = meterCpu(platformProcesses(ctx.infraHome, serviceNames));
  const started = performance.now();
  const results = await pool(cfg.bookings, cfg.concurrency, (i) => reserveAndBook(providerId, slots[i], `bench-${run}-b-${i}`));
  const seconds = (performance.now() - started) / 1000;
  // The pairs' whole cost: their answers and the pipeline behind them, until the platform is idle again.
  const tail = await meter.untilIdle();
  const metered = meter.stop();
  const completed = results.filter((p) => p.booking && ok(p.booking));
  const failures = countBy(
    results.flatMap((p) => [p.reservation, ...(p.booking ? [p.booking] : [])]).filter((a) => !ok(a)),
    answerKey,
  );
  const pairsPerSecond = round(completed.length / seconds, 1);
  const cpu = cpuPerUnit(metered, Math.max(1, completed.length));
  const pairMs = summarize(completed.map((p) => p.pairMs));
  const reservationMs = summarize(results.map((p) => p.reservation.ms));
  const bookingMs = summarize(results.filter((p) => p.booking).map((p) => p.booking.ms));
  log(`  ${completed.length}/${cfg.bookings} pairs in ${seconds.toFixed(2)} s: ${pairsPerSecond} pairs/s`);
  log(`  reservation: ${latencyLine(reservationMs)}`);
  log(`  booking:     ${latencyLine(bookingMs)}`);
  log(`  pair:        ${latencyLine(pairMs)}`);
  log(`  platform CPU per pair: ${cpuPerUnitText(cpu)}, idle ${tail.seconds} s after the last answer${tail.idle ? '' : ' (not idle yet)'}`);
  const rows = [
    {
      name: `pairs/s (concurrency ${cfg.concurrency})`,
      measured: `${pairsPerSecond} (${completed.length}/${cfg.bookings} in ${round(seconds, 1)} s)`,
      target: `≥ ${TARGETS.pairsPerSecond}`,
      met: pairsPerSecond >= TARGETS.pairsPerSecond,
    },
    { name: 'pair p50 / p99', measured: msOf(pairMs), target: `p99 ≤ ${TARGETS.pairP99Ms} ms`, met: pairMs.p99 <= TARGETS.pairP99Ms },
    { name: 'non-2xx answers', measured: countsText(failures), target: '0', met: Object.keys(failures).length === 0 },
    { name: 'platform CPU per pair (its pipeline until idle)', measured: cpuPerUnitText(cpu) },
  ];
  return {
    rows,
    json: {
      providerId,
      pairs: cfg.bookings,
      completed: completed.length,
      concurrency: cfg.concurrency,
      seconds: round(seconds),
      pairsPerSecond,
      pairMs,
      reservationMs,
      bookingMs,
      failures,
      cpuPerPair: { ...cpu, idleAfterSeconds: tail.seconds, idle: tail.idle },
    },
  };
}
