import Fastify, { type FastifyInstance } from 'fastify';
import { requestIdOf } from '../../logging/logging.module.js';
import { metricsRegistry } from '../../metrics/metrics.js';
import { controlAdmission } from './admission-control.js';
import type { AdmissionLimiter } from './admission-limiter.js';

/** Resolves the requests a route holds, when the test says so. */
class Gate {
  entered = 0;
  private opened!: () => void;
  private readonly open = new Promise<void>((resolve) => (this.opened = resolve));
  async pass(): Promise<void> {
    this.entered++;
    await this.open;
  }
  release(): void {
    this.opened();
  }
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function metricValue(name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric(name)!.get();
  return metric.values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((sum, v) => sum + v.value, 0);
}

/** The admission hook on a real Fastify server, with routes that hold their requests until a gate opens. */
describe('controlAdmission', () => {
  let server: FastifyInstance;
  let limiter: AdmissionLimiter;
  let base: string;
  let gate: Gate;

  const get = async (path: string, signal?: AbortSignal) => {
    const started = Date.now();
    const response = await fetch(`${base}${path}`, { headers: { 'x-request-id': 'req-admission-1' }, ...(signal ? { signal } : {}) });
    return { status: response.status, headers: response.headers, body: (await response.json()) as any, ms: Date.now() - started };
  };
  /** Fills every place with a held request; resolves once all are inside the handler. */
  const fillPlaces = async (path = '/held') => {
    const held = [get(path), get(path)];
    await until(() => gate.entered === 2, 'two requests inside the handler');
    return held;
  };

  beforeEach(async () => {
    gate = new Gate();
    // As runService does, the request id is the X-Request-ID; closing ends the connections aborted callers leave behind.
    server = Fastify({ genReqId: requestIdOf, forceCloseConnections: true });
    limiter = controlAdmission(server, { limits: { maxInFlight: 2, maxQueueLength: 1, maxQueueWaitMs: 300 }, exemptRoutes: ['/stream'] });
    server.get('/held', async () => {
      await gate.pass();
      return { ok: true };
    });
    server.get('/failing', async () => {
      await gate.pass();
      throw new Error('handler failed');
    });
    server.get('/stream', async () => ({ ok: true }));
    server.get('/health/live', async () => ({ ok: true }));
    server.get('/metrics', async () => ({ ok: true }));
    base = await server.listen({ port: 0, host: '127.0.0.1' });
  });

  afterEach(async () => {
    gate.release();
    await server.close();
  });

  it('answers a request beyond the queue 503 OVERLOADED with Retry-After at once, and serves the waiting one when a place frees', async () => {
    const shedBefore = await metricValue('http_server_requests_shed_total', { reason: 'queue_full' });
    const held = await fillPlaces();
    const queued = get('/held');
    await until(() => limiter.waiting === 1, 'a request in the queue');
    expect(await metricValue('http_server_requests_in_flight')).toBe(2);
    expect(await metricValue('http_server_requests_queued')).toBe(1);

    const shed = await get('/held');
    expect(shed).toMatchObject({
      status: 503,
      body: { success: false, error: { code: 'OVERLOADED', details: { retryAfterSeconds: 1 } }, meta: { requestId: 'req-admission-1' } },
    });
    expect(shed.headers.get('retry-after')).toBe('1');
    expect(shed.headers.get('x-request-id')).toBe('req-admission-1');
    expect(shed.ms).toBeLessThan(250); // refused at once, not after the queue wait
    expect(await metricValue('http_server_requests_shed_total', { reason: 'queue_full' })).toBe(shedBefore + 1);

    gate.release();
    expect((await Promise.all([...held, queued])).map((a) => a.status)).toEqual([200, 200, 200]);
    await until(() => limiter.running === 0, 'every place free');
    expect(await metricValue('http_server_requests_in_flight')).toBe(0);
  });

  it('answers a waiting request 503 OVERLOADED when its wait runs out', async () => {
    const held = await fillPlaces();
    const waited = await get('/held');
    expect(waited).toMatchObject({ status: 503, body: { error: { code: 'OVERLOADED' } } });
    expect(waited.headers.get('retry-after')).toBe('1');
    expect(waited.ms).toBeGreaterThanOrEqual(250);
    expect(waited.ms).toBeLessThan(3000);
    gate.release();
    await Promise.all(held);
  });

  it('lets health, metrics and exempt streams through while every place is taken', async () => {
    const held = await fillPlaces();
    const queued = get('/held');
    await until(() => limiter.waiting === 1, 'a full queue');
    for (const path of ['/health/live', '/metrics', '/stream']) expect({ path, status: (await get(path)).status }).toEqual({ path, status: 200 });
    gate.release();
    await Promise.all([...held, queued]);
  });

  it('frees the places of requests whose handler failed', async () => {
    const failing = await fillPlaces('/failing');
    gate.release();
    expect((await Promise.all(failing)).map((a) => a.status)).toEqual([500, 500]);
    await until(() => limiter.running === 0, 'the failed requests’ places free');
    expect((await get('/stream')).status).toBe(200);
  });

  it('frees the place of a caller that left, and drops a waiting caller that left from the queue', async () => {
    const leaving = new AbortController();
    const left = get('/held', leaving.signal).catch((error: Error) => error.name);
    const stays = get('/held');
    await until(() => gate.entered === 2, 'two requests inside the handler');
    const waitingLeaver = new AbortController();
    const leftWaiting = get('/held', waitingLeaver.signal).catch((error: Error) => error.name);
    await until(() => limiter.waiting === 1, 'a request in the queue');

    waitingLeaver.abort();
    expect(await leftWaiting).toBe('AbortError');
    await until(() => limiter.waiting === 0, 'the queue to empty');
    leaving.abort();
    expect(await left).toBe('AbortError');
    await until(() => limiter.running === 1, 'the place of the caller that left to free');

    gate.release();
    expect((await stays).status).toBe(200);
  });
});
