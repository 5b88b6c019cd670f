import http from 'node:http';
import https from 'node:https';
import { Injectable } from '@nestjs/common';
import { context as otelContext, propagation } from '@opentelemetry/api';
import { requestContext } from '../context/request-context.js';
import { ApiError, type ApiFailure, type ApiSuccess } from './api-envelope.js';
import { INTERNAL_TOKEN_HEADER } from './internal-auth.guard.js';
import { InternalIdentity } from './internal-identity.js';
import { OVERLOADED } from './admission/admission-control.js';

export interface InternalCall {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The service called (the audience its token is signed for), and where it answers. */
  service: string;
  baseUrl: string;
  path: string;
  body?: unknown;
  idempotencyKey?: string;
  timeoutMs?: number;
  /** Who the call is made for, when not the current request's caller (a service acting on its own behalf). */
  actor?: { type: 'patient' | 'provider' | 'admin' | 'system'; id: string };
}

const DEFAULT_TIMEOUT_MS = 5000;
const SUCCESS_PREFIX = '{"success":true';

/**
 * The 503s a downstream answers on purpose, safe to try again (with the same idempotency key): shed
 * load, the all-bookings kill switch, its database out of reach.
 */
const REFUSALS = new Set([OVERLOADED, 'BOOKINGS_DISABLED', 'DATABASE_UNAVAILABLE']);

/**
 * A downstream answer the caller should see as it is: a 4xx (429 included), and a 503 refusal
 * (REFUSALS) — safe and useful to retry later. Any other 5xx (NOT_READY included) is a failure of the
 * downstream (502).
 */
const isRelayed = (status: number, code: string) => status < 500 || (status === 503 && REFUSALS.has(code));

/** The Retry-After of a 429 or 503 in whole seconds: the downstream's, at least 1, and 1 when it named none. */
function retryAfterOf(response: RawAnswer): number | undefined {
  if (response.status !== 429 && response.status !== 503) return undefined;
  const seconds = Number(response.headers['retry-after']);
  return Number.isFinite(seconds) && seconds >= 1 ? Math.ceil(seconds) : 1;
}

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * Connections to the other services are kept open and reused, most recently used first, and closed
 * after IDLE_SOCKET_MS unused: well before the services' own keep-alive timeout (72 s), so a request
 * never goes out on a connection the server is closing. node:http rather than fetch: on the gateway's
 * hot path fetch's WHATWG streams and Response objects were a quarter of the gateway's own CPU per
 * request (measured with --cpu-prof).
 */
const IDLE_SOCKET_MS = 30_000;
const agents = {
  'http:': new http.Agent({ keepAlive: true, scheduling: 'lifo', timeout: IDLE_SOCKET_MS }),
  'https:': new https.Agent({ keepAlive: true, scheduling: 'lifo', timeout: IDLE_SOCKET_MS }),
};

/** One request and its whole answer, or TimeoutError after `timeoutMs`, or the connection's error. */
function send(url: URL, method: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number): Promise<RawAnswer> {
  const secure = url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const options = {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      agent: secure ? agents['https:'] : agents['http:'],
    };
    const request = (secure ? https : http).request(url, options, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') });
      });
      response.on('error', fail);
    });
    const timer = setTimeout(() => request.destroy(new TimeoutError('no answer in time')), timeoutMs);
    function fail(error: Error): void {
      clearTimeout(timer);
      reject(error);
    }
    request.on('error', fail);
    request.end(body);
  });
}

function parsed<T>(text: string): T | null {
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

/**
 * Internal HTTP to the owning service: timeout, the caller's request id, trace context, idempotency
 * key, and a token signed for the called service, this request and its actor (InternalIdentity). The downstream's 4xx, and its 503 refusals, come back as
 * an ApiError with the same status, code and Retry-After, so the gateway relays them unchanged; a
 * downstream that does not answer in time is 504, one that cannot be reached 503 UPSTREAM_UNAVAILABLE
 * (Retry-After 1), any other failure 502.
 */
@Injectable()
export class InternalHttpClient {
  constructor(private readonly identity: InternalIdentity) {
    identity.assertCanSign();
  }

  async call<T>(call: InternalCall): Promise<T> {
    return (await this.exchange<T>(call)).data;
  }

  /** Like `call`, with the downstream's status (201 for a creation, 200 for its replay). */
  async exchange<T>(call: InternalCall): Promise<{ status: number; data: T }> {
    const { status, text } = await this.answer(call);
    const body = parsed<ApiSuccess<T> | ApiFailure>(text)!;
    return { status, data: (body as ApiSuccess<T>).data };
  }

  /**
   * Like `exchange`, with the downstream's success envelope as the text it sent, for a caller that
   * relays it unchanged: a large answer (availability) is not parsed and serialised again.
   */
  async exchangeText(call: InternalCall): Promise<{ status: number; text: string }> {
    return this.answer(call);
  }

  /** The downstream's success answer as text, or the ApiError its failure (or silence) stands for. */
  private async answer(call: InternalCall): Promise<{ status: number; text: string }> {
    const context = requestContext.current();
    const url = new URL(call.path, call.baseUrl);
    // On behalf of the caller's actor, or of this service itself when it acts on its own.
    const actor = call.actor ?? context?.actor ?? { type: 'system' as const, id: this.identity.name };
    const headers: Record<string, string> = {
      accept: 'application/json',
      [INTERNAL_TOKEN_HEADER]: this.identity.tokenFor(call.service, actor, call.method, `${url.pathname}${url.search}`),
      ...(context ? { 'x-request-id': context.requestId } : {}),
      ...(call.idempotencyKey ? { 'x-idempotency-key': call.idempotencyKey } : {}),
      ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
    };
    // The trace context (traceparent) goes along by hand, so the callee joins this trace.
    propagation.inject(otelContext.active(), headers);
    let response: RawAnswer;
    try {
      const body = call.body === undefined ? undefined : JSON.stringify(call.body);
      response = await send(url, call.method, headers, body, call.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    } catch (error) {
      if (error instanceof TimeoutError) throw new ApiError(504, 'UPSTREAM_TIMEOUT', 'A dependent service did not answer in time');
      throw new ApiError(503, 'UPSTREAM_UNAVAILABLE', 'A dependent service is unavailable', undefined, 1);
    }
    // A 2xx in the success envelope is passed on without parsing it twice (the envelope starts with `success`).
    if (response.status < 300 && response.text.startsWith(SUCCESS_PREFIX)) return { status: response.status, text: response.text };
    const body = parsed<ApiSuccess<unknown> | ApiFailure>(response.text);
    if (body?.success === true) return { status: response.status, text: response.text };
    if (body?.success === false && isRelayed(response.status, body.error.code))
      throw new ApiError(response.status, body.error.code, body.error.message, body.error.details, retryAfterOf(response));
    throw new ApiError(502, 'UPSTREAM_ERROR', 'A dependent service failed');
  }
}
