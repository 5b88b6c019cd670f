// Phase 5: many distinct patients reserve the same slot at the same moment through the gateway: exactly
// one wins, the others get 409 SLOT_UNAVAILABLE, quickly.
import { performance } from 'node:perf_hooks';
import { answerKey } from '../lib/http.mjs';
import { SERVICE_ID, createProvider, spreadSlots } from '../lib/platform.mjs';
import { countsText } from '../lib/report.mjs';
import { countBy, latencyLine, msOf, summarize } from '../lib/stats.mjs';
import { TARGETS } from '../lib/targets.mjs';

export async function hotSlot(ctx) {
  const { cfg, run, log } = ctx;
  const providerId = await createProvider(`bench-${run}-hot`);
  const [startTime] = spreadSlots(1, 30);
  const patients = cfg.hotSlotPatients;
  const tokens = await Promise.all(Array.from({ length: patients }, (_, i) => ctx.sign('patient', `bench-${run}-hot-${i}`)));
  const address = ctx.newAddressScope();
  log(`  ${patients} patients reserve ${providerId} at ${startTime} at once…`);
  const fired = performance.now();
  const answers = await Promise.all(
    tokens.map((token, i) =>
      ctx.gateway('POST', '/api/bookings/reserve-slot', { token, forwardedFor: address(i), body: { providerId, serviceId: SERVICE_ID, startTime } }),
    ),
  );
  const wallMs = performance.now() - fired;
  const counts = countBy(answers, answerKey);
  const winners = answers.filter((a) => a.status === 201).length;
  const lost = counts['409 SLOT_UNAVAILABLE'] ?? 0;
  const latencyMs = summarize(answers.map((a) => a.ms));
  log(`  ${countsText(counts)} in ${Math.round(wallMs)} ms; ${latencyLine(latencyMs)}`);
  const rows = [
    { name: 'winners', measured: String(winners), target: '1', met: winners === 1 },
    { name: '409 SLOT_UNAVAILABLE', measured: String(lost), target: String(patients - 1), met: lost === patients - 1 },
    ...(winners + lost < patients
      ? [
          {
            name: 'other answers',
            measured: countsText(Object.fromEntries(Object.entries(counts).filter(([k]) => k !== '201' && k !== '409 SLOT_UNAVAILABLE'))),
          },
        ]
      : []),
    {
      name: 'latency p50 / p99 / max',
      measured: msOf(latencyMs, ['p50', 'p99', 'max']),
      target: `p99 ≤ ${TARGETS.hotSlotP99Ms} ms`,
      met: latencyMs.p99 <= TARGETS.hotSlotP99Ms,
    },
  ];
  return { rows, json: { providerId, startTime, patients, answers: counts, winners, latencyMs, wallMs: Math.round(wallMs) } };
}
