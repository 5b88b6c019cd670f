import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requestContext } from '../../context/request-context.js';
import { counter, gauge } from '../../metrics/metrics.js';
import { failure } from '../api-envelope.js';
import { type AdmissionLimits, AdmissionLimiter, type AdmissionRefusal } from './admission-limiter.js';

export interface AdmissionControlOptions {
  limits: AdmissionLimits;
  /** Route patterns that bypass admission besides /health/* and /metrics: long-lived streams, which would hold a place for their whole life. */
  exemptRoutes?: readonly string[];
}

/** The error code of a request refused for want of a place (InternalHttpClient relays it as such). */
export const OVERLOADED = 'OVERLOADED';

const SHED_REASONS: readonly AdmissionRefusal[] = ['queue_full', 'queue_timeout'];

/** Every 503 OVERLOADED a process answers, by why: no place here (`queue_full`, `queue_timeout`), or a service's own intake rule. */
export const shedRequests = () => counter('http_server_requests_shed_total', 'Requests refused with 503 OVERLOADED', ['reason']);

function admissionMetrics() {
  const shed = shedRequests();
  for (const reason of SHED_REASONS) shed.inc({ reason }, 0); // declared at startup, so the first shed shows as an increase
  return {
    shed,
    inFlight: gauge('http_server_requests_in_flight', 'Requests being worked on (admitted, not yet answered)'),
    queued: gauge('http_server_requests_queued', 'Requests waiting for a place'),
  };
}

/**
 * Why a request's place is let go: its response closed. Passed to abort() so that no AbortError
 * (a DOMException, with its stack) is built for every request: a few % of a service's CPU per request.
 */
const RESPONSE_CLOSED = 'response closed';

const isExempt = (route: string | undefined, exempt: readonly string[]) =>
  route !== undefined && (route === '/metrics' || route.startsWith('/health/') || exempt.includes(route));

/**
 * Back-pressure for one process: at most `maxInFlight` requests are worked on at once; more wait
 * (first come, first served) up to `maxQueueLength` of them for at most `maxQueueWaitMs`; a request
 * that gets no place is answered 503 OVERLOADED with Retry-After at once (queue full) or when its
 * wait runs out — never held until the caller's own timeout. It runs as the first Fastify hook, before
 * the body is read. A place is freed when the response closes: answered, failed, or the caller gone.
 * Health and metrics bypass it, so a saturated pod still reports and is not restarted for it.
 */
export function controlAdmission(fastify: FastifyInstance, options: AdmissionControlOptions): AdmissionLimiter {
  const limiter = new AdmissionLimiter(options.limits);
  const metrics = admissionMetrics();
  const observe = () => {
    metrics.inFlight.set(limiter.running);
    metrics.queued.set(limiter.waiting);
  };
  const retryAfterSeconds = Math.max(1, Math.ceil(options.limits.maxQueueWaitMs / 1000));
  const exempt = options.exemptRoutes ?? [];

  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (isExempt(request.routeOptions.url, exempt)) return;
    // 'close' on the response: sent, failed, or the connection dropped (the caller gave up).
    const closed = new AbortController();
    reply.raw.once('close', () => closed.abort(RESPONSE_CLOSED));
    const pending = limiter.acquire(closed.signal);
    observe();
    const admission = await pending;
    observe();
    if (admission.admitted) {
      const release = () => {
        admission.release();
        observe();
      };
      if (closed.signal.aborted) release();
      else closed.signal.addEventListener('abort', release, { once: true });
      return;
    }
    if (admission.reason === 'caller_gone') return reply.hijack(); // nobody is listening for an answer
    metrics.shed.inc({ reason: admission.reason });
    const body = requestContext.run({ requestId: String(request.id) }, () =>
      failure(OVERLOADED, 'The service is busy; retry after the time in Retry-After', { retryAfterSeconds }),
    );
    return reply.code(503).header('Retry-After', String(retryAfterSeconds)).header('X-Request-ID', String(request.id)).send(body);
  });
  return limiter;
}
