// One HTTP request for the project's scripts and benchmarks, on node:http with kept-alive connections.
// Every answer is a record, never a throw, so a caller can count timeouts and network errors beside the
// statuses. Not fetch: a benchmark's client shares the machine with the platform it measures, and with
// fetch the pairs phase's client used about twice the CPU per pair (bench/README.md).
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

/**
 * `ms` runs from sending to having read the whole body; `body` is the parsed JSON (or `{ raw }`), `code`
 * the error envelope's code of a non-2xx answer. No answer: status 0 with `code` TIMEOUT (the deadline
 * passed, `timedOut`) or NETWORK:<cause>.
 */
export function httpRequest(url, { method = 'GET', headers = {}, body, deadlineMs = 10_000 } = {}) {
  const started = performance.now();
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve) => {
    let settled = false;
    const settle = (answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ms: performance.now() - started, ...answer });
    };
    const failed = (code, timedOut = false) => settle({ status: 0, bytes: 0, retryAfter: null, timedOut, code, body: undefined });
    const request = http.request(url, {
      method,
      agent,
      headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length, ...headers } : headers,
    });
    const timer = setTimeout(() => {
      failed('TIMEOUT', true);
      request.destroy();
    }, deadlineMs);
    request.on('error', (error) => failed(`NETWORK:${error.code ?? error.message}`));
    request.on('response', (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('error', (error) => failed(`NETWORK:${error.code ?? error.message}`));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = { raw: text.slice(0, 200) };
        }
        const status = response.statusCode;
        const success = status >= 200 && status < 300;
        settle({
          status,
          bytes: Buffer.byteLength(text),
          retryAfter: response.headers['retry-after'] ?? null,
          body: parsed,
          code: success ? undefined : (parsed?.error?.code ?? 'NO_CODE'),
        });
      });
    });
    request.end(payload);
  });
}
