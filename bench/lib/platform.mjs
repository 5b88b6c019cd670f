// The platform as the benchmarks see it: service URLs and readiness, fresh 24/7 providers, distinct
// free slots, and reservation → booking pairs through booking-svc's internal API.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { DateTime } from 'luxon';
import { callBookingSvc as call } from '../../scripts/lib/booking-api.mjs';
import { serviceEnv, services } from '../../scripts/lib/env.mjs';

/** The providers' zone: whole-hour offsets (−7/−6), so the half-hour grid from local midnight is the UTC half-hour grid. */
export const ZONE = 'America/Denver';
/** Where the benchmark's patients live: answers are rendered in it (X-Timezone, patientTimezone). */
export const PATIENT_ZONE = 'Europe/Berlin';
export const SERVICE_ID = 'svc-bench-30';
export const ADMIN = { type: 'admin', id: 'bench-admin' };
const ROUND_THE_CLOCK = Object.fromEntries(['1', '2', '3', '4', '5', '6', '7'].map((day) => [day, [{ start: '00:00', end: '24:00' }]]));
const MAX_ADVANCE_DAYS = 365;

/** `<yyyymmddhhmmss>-<4 hex>`: names this run's providers and patients (bench-<run id>-…). */
export const newRunId = () => `${DateTime.utc().toFormat('yyyyMMddHHmmss')}-${randomUUID().slice(0, 4)}`;

const env = serviceEnv();
/** Base URL of a service: `<NAME>_URL` (e.g. GATEWAY_URL, BOOKING_SVC_URL) or 127.0.0.1 on its services.json port. */
export function serviceUrl(name) {
  const override = env[`${name.toUpperCase().replace(/-/g, '_')}_URL`];
  return override ?? `http://127.0.0.1:${services.find((s) => s.name === name)?.port}`;
}
export const serviceNames = services.map((s) => s.name);

async function readiness(name) {
  try {
    const response = await fetch(`${serviceUrl(name)}/health/ready`, { signal: AbortSignal.timeout(5000) });
    if (response.ok) return { ready: true };
    const body = await response.json().catch(() => ({}));
    return { ready: false, detail: `HTTP ${response.status}: ${body?.error?.message ?? 'not ready'}` };
  } catch (error) {
    return { ready: false, detail: error.cause?.code === 'ECONNREFUSED' ? 'not running' : (error.cause?.code ?? error.message) };
  }
}

/**
 * Waits up to `waitS` for the `required` services' /health/ready to answer 200, then checks every
 * service once. Returns name → { ready, detail }.
 */
export async function checkReadiness(required, waitS) {
  const deadline = Date.now() + waitS * 1000;
  for (;;) {
    const states = await Promise.all(required.map(readiness));
    if (states.every((s) => s.ready) || Date.now() >= deadline) break;
    await sleep(1000);
  }
  return Object.fromEntries(await Promise.all(serviceNames.map(async (name) => [name, await readiness(name)])));
}

/**
 * A 24/7 provider in ZONE with one 30-minute service, created by an admin. `instant`: instant booking
 * fixed by the admin (settings.mode 'instant', modeOverride), the one way to get it without a
 * connected calendar.
 */
export async function createProvider(id, { instant = false } = {}) {
  const answer = await call('PUT', `/internal/providers/${id}`, ADMIN, {
    timezone: ZONE,
    services: [{ id: SERVICE_ID, name: 'Bench consultation', category: 'bench', durationMinutes: 30, priceCents: 10_000 }],
    weeklyHours: ROUND_THE_CLOCK,
    overrides: [],
    settings: {
      minimumNoticeHours: 1,
      maximumAdvanceDays: MAX_ADVANCE_DAYS,
      bufferMinutes: 0,
      ...(instant ? { mode: 'instant', modeOverride: true } : {}),
    },
  });
  if (answer.status !== 201) throw new Error(`provider ${id} not created: ${answer.status} ${JSON.stringify(answer.body)}`);
  return id;
}

/** How the provider is booked now, after the feature flags (its public profile's `mode`: instant, request or null). */
export async function offeredMode(id) {
  const answer = await call('GET', `/internal/providers/${id}/profile`, { type: 'patient', id: 'bench-viewer' });
  if (answer.status !== 200) throw new Error(`profile of ${id}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.data.mode;
}

/**
 * `count` distinct 30-minute slot starts spread evenly over [now + 2 h, end of local day today+days-1):
 * the 30-minute grid from local midnight (ZONE's offsets are whole hours, so it is the UTC half-hour grid).
 */
export function spreadSlots(count, days) {
  if (days > MAX_ADVANCE_DAYS) throw new Error(`slots beyond ${MAX_ADVANCE_DAYS} days cannot be booked`);
  const now = DateTime.now().setZone(ZONE);
  const first = DateTime.fromMillis(Math.ceil((now.toMillis() + 2 * 3_600_000) / 1_800_000) * 1_800_000, { zone: ZONE });
  const end = now.startOf('day').plus({ days }); // exclusive: local midnight after the last day
  const total = Math.floor(end.diff(first, 'minutes').minutes / 30); // slots that end by `end`
  if (total < count) throw new Error(`only ${total} half-hour slots in ${days} days, cannot place ${count} bookings`);
  return Array.from({ length: count }, (_, i) =>
    first
      .plus({ minutes: 30 * Math.floor((i * total) / count) })
      .toUTC()
      .toISO(),
  );
}

/** How often seeding tries one reservation that is refused for load before counting it failed. */
const MAX_REFUSALS = 120;

/**
 * Reservation by a new patient, then its booking, through booking-svc's internal API; latencies of both
 * and of the pair. With `retryRefusals` (seeding, which needs every booking) a reservation refused 503
 * with Retry-After is tried again after that wait, as a client is told to (docs/gateway-api.md).
 */
export async function reserveAndBook(providerId, startTime, patientId, { retryRefusals = false } = {}) {
  const patient = { type: 'patient', id: patientId };
  const started = performance.now();
  let reservation;
  for (let attempt = 1; ; attempt++) {
    reservation = await call('POST', '/internal/reservations', patient, { providerId, serviceId: SERVICE_ID, startTime });
    if (!retryRefusals || reservation.status !== 503 || !reservation.retryAfter || attempt >= MAX_REFUSALS) break;
    await sleep(Number(reservation.retryAfter) * 1000 + Math.random() * 500);
  }
  if (!(reservation.status >= 200 && reservation.status < 300)) return { reservation, booking: undefined, pairMs: performance.now() - started };
  const booking = await call('POST', '/internal/bookings', patient, { reservationId: reservation.body.data.id, patientTimezone: PATIENT_ZONE });
  return { reservation, booking, pairMs: performance.now() - started };
}
