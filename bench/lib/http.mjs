// HTTP with a client deadline (Node's fetch, keep-alive): every answer is a record, never a throw, so a
// phase can count timeouts and network errors beside the statuses.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

/**
 * One request. `ms` runs from sending to having read the whole body. Status 0 when no answer came:
 * `code` TIMEOUT (the deadline passed, `timedOut`) or NETWORK:<cause>.
 */
export async function httpRequest(url, { method = 'GET', headers = {}, body, deadlineMs = 10_000 } = {}) {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(deadlineMs),
    });
    const text = await response.text();
    const answer = {
      status: response.status,
      ms: performance.now() - started,
      bytes: Buffer.byteLength(text),
      retryAfter: response.headers.get('retry-after'),
    };
    try {
      answer.body = JSON.parse(text);
    } catch {
      answer.body = { raw: text.slice(0, 200) };
    }
    answer.code = answer.status >= 200 && answer.status < 300 ? undefined : (answer.body?.error?.code ?? 'NO_CODE');
    return answer;
  } catch (error) {
    const timedOut = error.name === 'TimeoutError' || error.cause?.name === 'TimeoutError';
    return {
      status: 0,
      ms: performance.now() - started,
      bytes: 0,
      retryAfter: null,
      timedOut,
      code: timedOut ? 'TIMEOUT' : `NETWORK:${error.cause?.code ?? error.message}`,
      body: undefined,
    };
  }
}

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
