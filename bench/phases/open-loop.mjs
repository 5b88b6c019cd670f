// Phase 3: the patient flow through the gateway at a fixed arrival rate (open loop), and each booking's
// completion as the admin's live stream shows it.
import { callBookingSvc } from '../../scripts/lib/booking-api.mjs';
import { CompletionTracker, END_STATE } from '../lib/completion.mjs';
import { cpuPerUnit, cpuPerUnitText, meterCpu, platformProcesses } from '../lib/cpu.mjs';
import { ok } from '../lib/http.mjs';
import { openLoop } from '../lib/open-loop.mjs';
import { ADMIN, serviceNames, serviceUrl } from '../lib/platform.mjs';
import { countsText } from '../lib/report.mjs';
import { openSse } from '../lib/sse.mjs';
import { countBy, latencyLine, msOf, pool, round, summarize } from '../lib/stats.mjs';
import { TARGETS } from '../lib/targets.mjs';
import { flowProviders, flowSummary, planArrivals, reserveAndBookViaGateway } from './gateway-flow.mjs';

/** Completion samples with the bookings never seen done counted as infinitely late, so a p99 cannot hide them. */
function completionStats(outcome) {
  const missing = outcome.incomplete.length + Object.values(outcome.failed).reduce((a, b) => a + b, 0);
  return { ...summarize([...outcome.completionMs, ...Array(missing).fill(Infinity)]), seen: outcome.completionMs.length, missing };
}

/** The admin's stream of every booking update, feeding `tracker`. */
async function adminStream(ctx, tracker) {
  const token = await ctx.sign('admin', `bench-${ctx.run}-admin`, '2h');
  const address = ctx.newAddressScope()(0);
  const stream = openSse(
    `${serviceUrl('gateway')}/api/bookings/events`,
    { authorization: `Bearer ${token}`, ...(address ? { 'x-forwarded-for': address } : {}) },
    (event) => {
      if (event.event !== 'booking-update') return;
      try {
        tracker.onUpdate(JSON.parse(event.data));
      } catch {
        tracker.updates.unparseable = (tracker.updates.unparseable ?? 0) + 1;
      }
    },
  );
  await stream.opened;
  return stream;
}

export async function openLoopPhase(ctx) {
  const { cfg, run, log } = ctx;
  const { providers, notes } = await flowProviders(ctx, 'ol');
  for (const note of notes) log(`  NOTE: ${note}`);
  const count = Math.round(cfg.rate * cfg.durationS);
  const arrivals = await planArrivals(ctx, 'ol', providers, count);
  const tracker = new CompletionTracker((payload) => typeof payload.providerId === 'string' && payload.providerId.startsWith(`bench-${run}-ol-`));
  const stream = await adminStream(ctx, tracker);
  const address = ctx.newAddressScope();
  const deadlineMs = cfg.completionDeadlineS * 1000;
  const arrivalOf = new Map(); // booking id → arrival (its patient's token reads it back)
  log(
    `  ${count} arrivals at ${cfg.rate}/s over ${cfg.durationS} s (${providers.map((p) => p.kind).join(' + ')} providers), completion seen on one admin SSE stream…`,
  );
  const meter = meterCpu(platformProcesses(ctx.infraHome, serviceNames));
  let load;
  let tail;
  try {
    load = await openLoop({
      rate: cfg.rate,
      count,
      task: async (i, scheduledAt) => {
        const result = await reserveAndBookViaGateway(ctx, arrivals[i], address(i));
        if (result.booking && ok(result.booking)) {
          const data = result.booking.body.data;
          tracker.expect(data.id, data.bookingType ?? arrivals[i].kind, result.answeredAt, deadlineMs);
          arrivalOf.set(data.id, arrivals[i]);
        }
        return { ...result, scheduledAt };
      },
    });
    log(
      `  sent in ${load.sentSeconds.toFixed(1)} s, last answer after ${load.finishedSeconds.toFixed(1)} s; waiting up to ${cfg.completionDeadlineS} s per booking for its end state…`,
    );
    await tracker.settle();
    tail = await meter.untilIdle();
  } finally {
    stream.close();
  }
  const summary = flowSummary(load.results);
  const cpu = cpuPerUnit(meter.stop(), Math.max(1, summary.completedPairs));
  const outcomes = tracker.outcomes();

  // Bookings not seen done on the stream: their patient reads them (GET /api/bookings/:id); should the
  // gateway refuse (its rate limit), booking-svc is asked directly, so the state is always known.
  const unseen = Object.values(outcomes).flatMap((o) => o.incomplete);
  const readAddress = ctx.newAddressScope();
  const readBack = await pool(unseen.length, 8, async (i) => {
    const viaGateway = await ctx.gateway('GET', `/api/bookings/${unseen[i]}`, { token: arrivalOf.get(unseen[i]).token, forwardedFor: readAddress(i) });
    return ok(viaGateway) ? viaGateway : callBookingSvc('GET', `/internal/bookings/${unseen[i]}`, ADMIN);
  });
  const unseenStates = countBy(readBack, (a) => (ok(a) ? a.body.data.status : `HTTP ${a.status}`));

  log(`  answers: ${countsText(summary.answers)}`);
  log(`  pair (from scheduled arrival): ${latencyLine(summary.pairMs)}; client lag p99 ${summary.clientLagMs.p99} ms`);
  const completion = {};
  for (const [type, outcome] of Object.entries(outcomes)) {
    completion[type] = { ...completionStats(outcome), failed: outcome.failed };
    log(
      `  completion ${type} (→ ${END_STATE[type]}), of those seen: ${outcome.completionMs.length ? latencyLine(summarize(outcome.completionMs)) : 'none'}; not seen ${outcome.incomplete.length}, failed ${countsText(outcome.failed)}`,
    );
  }
  if (unseen.length) log(`  not seen done within ${cfg.completionDeadlineS} s, state read back: ${countsText(unseenStates)}`);
  log(`  platform CPU per booking: ${cpuPerUnitText(cpu)}, idle ${tail.seconds} s after the last booking done${tail.idle ? '' : ' (not idle yet)'}`);
  log(`  stream: ${stream.state.events} events (${tracker.updates.ours} status changes of this phase's bookings), ${stream.state.reconnects} reconnects`);

  const rows = [
    {
      name: 'arrivals',
      measured: `${count} at ${cfg.rate}/s (sent in ${round(load.sentSeconds, 1)} s, client lag p99 ${msOf(summary.clientLagMs, ['p99'])})`,
    },
    ...notes.map((note) => ({ name: 'note', measured: note })),
    { name: 'answers', measured: countsText(summary.answers), target: '0 errors', met: summary.errors === 0 },
    { name: 'pair p50 / p99', measured: msOf(summary.pairMs) },
    { name: 'platform CPU per booking (its pipeline until idle)', measured: cpuPerUnitText(cpu) },
  ];
  for (const kind of ['instant', 'request']) {
    const c = completion[kind];
    if (!c) {
      rows.push({ name: `completion ${kind}`, measured: providers.some((p) => p.kind === kind) ? 'no booking created' : 'not reachable here' });
      continue;
    }
    rows.push({
      name: `completion ${kind} p50 / p99`,
      measured: `${msOf(c)} (n=${c.n}, not done ${c.missing})`,
      target: `p99 ≤ ${TARGETS.completionP99Ms} ms`,
      met: c.p99 <= TARGETS.completionP99Ms,
    });
  }
  if (unseen.length) rows.push({ name: `not done in ${cfg.completionDeadlineS} s`, measured: countsText(unseenStates), target: '0', met: false });
  return {
    rows,
    json: {
      providers,
      notes,
      rate: cfg.rate,
      durationS: cfg.durationS,
      sentSeconds: round(load.sentSeconds),
      finishedSeconds: round(load.finishedSeconds),
      ...summary,
      completion,
      cpuPerBooking: { ...cpu, idleAfterSeconds: tail.seconds, idle: tail.idle },
      notSeenDone: unseenStates,
      stream: { ...stream.state, updates: tracker.updates },
    },
  };
}
