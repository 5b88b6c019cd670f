// Phase 4: the open-loop patient flow at increasing arrival rates, fresh providers per step. Past
// saturation the platform should shed load with fast 429/503 answers carrying Retry-After, never another
// 5xx or a timeout. The saturation point reported is the highest step served without shedding.
import { setTimeout as sleep } from 'node:timers/promises';
import { openLoop } from '../lib/open-loop.mjs';
import { countsText } from '../lib/report.mjs';
import { msOf, round } from '../lib/stats.mjs';
import { flowProviders, flowSummary, planArrivals, reserveAndBookViaGateway } from './gateway-flow.mjs';

export async function saturation(ctx) {
  const { cfg, log } = ctx;
  const steps = [];
  const rows = [];
  for (const [n, rate] of cfg.saturationRates.entries()) {
    if (n > 0 && cfg.saturationPauseS > 0) await sleep(cfg.saturationPauseS * 1000);
    const name = `sat${n}`;
    const { providers } = await flowProviders(ctx, name);
    const count = Math.round(rate * cfg.saturationStepS);
    const arrivals = await planArrivals(ctx, name, providers, count);
    const address = ctx.newAddressScope();
    const load = await openLoop({
      rate,
      count,
      task: async (i, scheduledAt) => ({ ...(await reserveAndBookViaGateway(ctx, arrivals[i], address(i))), scheduledAt }),
    });
    const summary = flowSummary(load.results);
    // Delivered throughput: successful pairs over the time from the first arrival to the last answer.
    const achieved = round(summary.completedPairs / load.finishedSeconds, 1);
    const step = { rate, arrivals: count, achievedPairsPerSecond: achieved, finishedSeconds: round(load.finishedSeconds), ...summary };
    steps.push(step);
    log(
      `  ${rate}/s: ${achieved} pairs/s achieved; ${countsText(summary.answers)}; pair p99 ${summary.pairMs.p99} ms; 5xx ${summary.serverErrors} (shed ${summary.shed.count}), timeouts ${summary.timeouts}`,
    );
    rows.push({
      name: `${rate}/s for ${cfg.saturationStepS} s`,
      measured: `${achieved} pairs/s ok, pair p99 ${msOf(summary.pairMs, ['p99'])}; ${countsText(summary.answers)}`,
      target: 'no 5xx (but shed) / timeouts',
      met: summary.serverErrors === 0 && summary.timeouts === 0 && summary.networkErrors === 0,
    });
    if (summary.shed.count > 0)
      rows.push({
        name: `${rate}/s: 429/503 answers`,
        measured: `${summary.shed.count}, p99 ${msOf({ p99: summary.shed.p99Ms }, ['p99'])}, Retry-After on ${summary.shed.withRetryAfter}/${summary.shed.count}`,
        target: 'fast, with Retry-After',
        met: summary.shed.withRetryAfter === summary.shed.count,
      });
    const failing = (summary.serverErrors + summary.timeouts + summary.networkErrors) / Math.max(1, summary.arrivals);
    if (failing > cfg.saturationStopShare && n < cfg.saturationRates.length - 1) {
      const skipped = cfg.saturationRates.slice(n + 1);
      log(`  stopping the ramp: ${Math.round(failing * 100)} % of arrivals hit a 5xx, timeout or network error; not run: ${skipped.join(', ')}/s`);
      rows.push({ name: 'ramp stopped', measured: `after ${rate}/s (${Math.round(failing * 100)} % failing); not run: ${skipped.join(', ')}/s` });
      break;
    }
  }
  const served = steps.filter((step) => step.shed.count === 0 && step.serverErrors === 0 && step.timeouts === 0 && step.networkErrors === 0);
  const saturationPoint = served.length > 0 ? Math.max(...served.map((step) => step.rate)) : null;
  rows.push({ name: 'saturation point (highest step served without shedding)', measured: saturationPoint === null ? 'none' : `${saturationPoint}/s` });
  return { rows, json: { stepSeconds: cfg.saturationStepS, steps, saturationPoint } };
}
