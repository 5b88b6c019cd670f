// booking-svc's internal API for the project's scripts (seed, benchmark), called as the gateway calls
// it: a token signed with the gateway's development key for booking-svc, this request and the actor
// (docs/security.md), a fresh idempotency key per mutation. Needs the build (dist/).
import { randomUUID } from 'node:crypto';
import { developmentSigningKey, requestLine, signInternalToken } from '../../dist/libs/platform/src/http/internal-token.js';
import { serviceEnv, services } from './env.mjs';
import { httpRequest } from './http-request.mjs';

const gatewayKey = developmentSigningKey('gateway');

const env = serviceEnv();
export const BOOKING_URL = env.BOOKING_SVC_URL ?? `http://127.0.0.1:${services.find((s) => s.name === 'booking-svc')?.port ?? 3001}`;

/**
 * One internal call (scripts/lib/http-request.mjs: `ms` from sending to having read the whole body; no
 * answer is status 0 with a TIMEOUT or NETWORK:<cause> code). The deadline is long: seeding and the
 * benchmarks count slow answers, they do not cut them short.
 */
export function callBookingSvc(method, path, actor, body) {
  return httpRequest(`${BOOKING_URL}${path}`, {
    method,
    body,
    deadlineMs: 120_000,
    headers: {
      'x-internal-token': signInternalToken(gatewayKey, { iss: 'gateway', aud: 'booking-svc', act: actor, req: requestLine(method, path) }),
      ...(method === 'GET' ? {} : { 'x-idempotency-key': randomUUID() }),
    },
  });
}

/**
 * booking-svc's /health/ready must answer 200. Nothing listening: exit at once with the hint to start
 * the platform. Answering 503 (a check failing, e.g. a slow database): retry for up to 30 s first.
 */
export async function ensureBookingSvcReady() {
  const deadline = Date.now() + 30_000;
  let last;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${BOOKING_URL}/health/ready`, { signal: AbortSignal.timeout(5000) });
      if (response.ok) return;
      const body = await response.json().catch(() => ({}));
      last = `HTTP ${response.status}: ${body?.error?.message ?? 'not ready'}`;
    } catch (error) {
      if (error.cause?.code === 'ECONNREFUSED') {
        last = undefined;
        break;
      }
      last = error.cause?.code ?? error.message;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  if (last) console.error(`booking-svc at ${BOOKING_URL} answers but is not ready (${last}); see .infra/services/booking-svc.log.`);
  else console.error(`booking-svc does not answer at ${BOOKING_URL}/health/ready.`);
  console.error('Start the platform first:  npm run up');
  process.exit(69);
}
