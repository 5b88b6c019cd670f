// Phase 7: the database engine's raw ceiling at the phases' concurrency, for the ratios of the
// platform's figures to it.
import { engineCeiling } from '../lib/engine.mjs';
import { latencyLine, msOf, round } from '../lib/stats.mjs';

export async function engine(ctx) {
  const { cfg, env, run, log } = ctx;
  if (!env.MONGO_URL) throw new Error('MONGO_URL is not set ($INFRA_HOME/env or the environment)');
  const database = `bench_${run.replace(/-/g, '_')}_scratch`;
  log(`  ${cfg.engineOperations} inserts, then as many finds by _id, per document shape at concurrency ${cfg.concurrency} in ${database} (dropped after)…`);
  const result = await engineCeiling({ url: env.MONGO_URL, database, count: cfg.engineOperations, concurrency: cfg.concurrency });
  const rows = [];
  for (const shape of ['booking', 'reservation']) {
    const r = result[shape];
    log(`  ${shape} (${r.documentBytes} B) insert: ${r.insert.perSecond}/s, ${latencyLine(r.insert.latencyMs)}`);
    log(`  ${shape} (${r.documentBytes} B) find by _id: ${r.findById.perSecond}/s, ${latencyLine(r.findById.latencyMs)}`);
    rows.push(
      { name: `${shape} (${round(r.documentBytes / 1024, 1)} KB) inserts`, measured: `${r.insert.perSecond}/s, p50 ${msOf(r.insert.latencyMs, ['p50'])}` },
      { name: `${shape} finds by _id`, measured: `${r.findById.perSecond}/s, p50 ${msOf(r.findById.latencyMs, ['p50'])}` },
    );
  }
  if (result.dropError) rows.push({ name: 'scratch database NOT dropped', measured: result.dropError });
  return { rows, json: { database, concurrency: cfg.concurrency, operations: cfg.engineOperations, ...result } };
}

/** Each platform figure against the ceiling it is made of (only for the phases that ran). */
export function ceilingRatios(results) {
  const e = results.engine?.json;
  if (!e?.booking) return [];
  const ratios = [];
  const add = (name, value, text) => Number.isFinite(value) && ratios.push({ name, value: round(value, value >= 10 ? 0 : value >= 1 ? 1 : 3), text });
  const pairs = results.pairs?.json;
  if (pairs) add('pairs/s ÷ booking inserts/s', pairs.pairsPerSecond / e.booking.insert.perSecond, `${pairs.pairsPerSecond} ÷ ${e.booking.insert.perSecond}`);
  const avail = results.availability?.json;
  if (avail) {
    add(
      'availability p50 (booking-svc) ÷ one find',
      avail.direct.latencyMs.p50 / e.booking.findById.latencyMs.p50,
      `${avail.direct.latencyMs.p50} ÷ ${e.booking.findById.latencyMs.p50} ms`,
    );
    add(
      'availability p50 (gateway) ÷ one find',
      avail.gateway.latencyMs.p50 / e.booking.findById.latencyMs.p50,
      `${avail.gateway.latencyMs.p50} ÷ ${e.booking.findById.latencyMs.p50} ms`,
    );
  }
  const open = results['open-loop']?.json;
  if (open)
    add(
      'open-loop pair p50 ÷ one insert',
      open.pairMs.p50 / e.reservation.insert.latencyMs.p50,
      `${open.pairMs.p50} ÷ ${e.reservation.insert.latencyMs.p50} ms`,
    );
  const hot = results['hot-slot']?.json;
  if (hot)
    add('hot-slot p50 ÷ one insert', hot.latencyMs.p50 / e.reservation.insert.latencyMs.p50, `${hot.latencyMs.p50} ÷ ${e.reservation.insert.latencyMs.p50} ms`);
  return ratios;
}
