// HTTP for the benchmark's phases: one request (scripts/lib/http-request.mjs, shared with the seed and
// the scripts' booking-svc calls), how an answer is counted, and a client of the gateway's public API.
import { randomUUID } from 'node:crypto';
import { httpRequest } from '../../scripts/lib/http-request.mjs';

export { httpRequest };

export const ok = (answer) => answer.status >= 200 && answer.status < 300;

/** "201", "409 SLOT_UNAVAILABLE", "TIMEOUT", "NETWORK:ECONNRESET": the key phases count answers by. */
export const answerKey = (answer) => (answer.status === 0 ? answer.code : ok(answer) ? String(answer.status) : `${answer.status} ${answer.code}`);

/**
 * A client of the gateway's public API. `token` is a bearer token; mutations get a fresh
 * X-Idempotency-Key; `forwardedFor` sets X-Forwarded-For (the gateway trusts it from loopback, so it
 * is the client address its per-IP rate limit counts).
 */
export function gatewayClient(baseUrl, { deadlineMs = 10_000 } = {}) {
  return (method, path, { token, body, timezone, forwardedFor, deadline = deadlineMs } = {}) =>
    httpRequest(`${baseUrl}${path}`, {
      method,
      body,
      deadlineMs: deadline,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(method === 'GET' ? {} : { 'x-idempotency-key': randomUUID() }),
        ...(timezone ? { 'x-timezone': timezone } : {}),
        ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
      },
    });
}
