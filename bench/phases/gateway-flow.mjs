// The patient's flow through the gateway, shared by the open-loop and saturation phases: a new patient
// (own token) reserves a distinct free slot (POST /api/bookings/reserve-slot) and books it (POST
// /api/bookings), at one instant and one request provider in turn.
import { performance } from 'node:perf_hooks';
import { answerKey, ok } from '../lib/http.mjs';
import { PATIENT_ZONE, SERVICE_ID, createProvider, offeredMode, spreadSlots } from '../lib/platform.mjs';
import { countBy, percentile, round, summarize } from '../lib/stats.mjs';

/**
 * A fresh request provider and a fresh instant one (fixed by an admin: no calendar can be connected
 * here). A provider the flags do not offer in its mode is left out, and `notes` says so.
 */
export async function flowProviders(ctx, name) {
  const notes = [];
  const providers = [];
  for (const kind of ['instant', 'request']) {
    const id = await createProvider(`bench-${ctx.run}-${name}-${kind}`, { instant: kind === 'instant' });
    const mode = await offeredMode(id);
    if (mode === kind) providers.push({ id, kind });
    else notes.push(`${kind} booking not reachable: a provider set up for it is offered ${mode ?? 'no booking'} (feature flags)`);
  }
  if (providers.length === 0) throw new Error(notes.join('; '));
  return { providers, notes };
}

/** `count` arrivals over the providers in turn, each with its own patient, token and distinct slot; tokens signed before the clock starts. */
export async function planArrivals(ctx, name, providers, count) {
  const perProvider = Math.ceil(count / providers.length);
  const slots = providers.map(() => spreadSlots(perProvider, 360));
  const arrivals = [];
  for (let i = 0; i < count; i++) {
    const p = i % providers.length;
    const patientId = `bench-${ctx.run}-${name}-${i}`;
    arrivals.push({ index: i, providerId: providers[p].id, kind: providers[p].kind, startTime: slots[p][Math.floor(i / providers.length)], patientId });
  }
  const tokens = await Promise.all(arrivals.map((a) => ctx.sign('patient', a.patientId)));
  arrivals.forEach((a, i) => (a.token = tokens[i]));
  return arrivals;
}

/** One arrival: reserve, then book. `answeredAt` (performance.now()) is when the booking's answer was read. */
export async function reserveAndBookViaGateway(ctx, arrival, forwardedFor) {
  const reservation = await ctx.gateway('POST', '/api/bookings/reserve-slot', {
    token: arrival.token,
    forwardedFor,
    body: { providerId: arrival.providerId, serviceId: SERVICE_ID, startTime: arrival.startTime },
  });
  if (!ok(reservation)) return { arrival, reservation, answeredAt: performance.now() };
  const booking = await ctx.gateway('POST', '/api/bookings', {
    token: arrival.token,
    forwardedFor,
    timezone: PATIENT_ZONE,
    body: { reservationId: reservation.body.data.id, patientTimezone: PATIENT_ZONE },
  });
  return { arrival, reservation, booking, answeredAt: performance.now() };
}

/**
 * What an open-loop run of the flow answered: every answer by status and code, pair latency from the
 * scheduled arrival to the booking's answer (so queueing in the client counts too), 5xx, timeouts, and
 * the 429/503 answers' latency and Retry-After. A 503 with Retry-After is load shed, the answer wanted
 * past saturation (docs/back-pressure.md), not a server error; any other 5xx is.
 */
export function flowSummary(results) {
  const answers = results.flatMap((r) => [r.reservation, ...(r.booking ? [r.booking] : [])]);
  const completed = results.filter((r) => r.booking && ok(r.booking));
  const shed = answers.filter((a) => a.status === 429 || a.status === 503);
  const isShed = (a) => (a.status === 429 || a.status === 503) && a.retryAfter !== null && a.retryAfter !== '';
  const shedSorted = shed.map((a) => a.ms).sort((a, b) => a - b);
  return {
    arrivals: results.length,
    completedPairs: completed.length,
    answers: countBy(answers, answerKey),
    errors: answers.filter((a) => !ok(a)).length,
    serverErrors: answers.filter((a) => a.status >= 500 && !isShed(a)).length,
    timeouts: answers.filter((a) => a.timedOut).length,
    networkErrors: answers.filter((a) => a.status === 0 && !a.timedOut).length,
    pairMs: summarize(completed.map((r) => r.answeredAt - r.scheduledAt)),
    clientLagMs: summarize(results.map((r) => r.lagMs)),
    shed: {
      count: shed.length,
      p99Ms: round(percentile(shedSorted, 99)),
      withRetryAfter: shed.filter(isShed).length,
    },
  };
}
