import { type Server, type ServerResponse, createServer } from 'node:http';
import { InternalIdentity } from './internal-identity.js';
import { ServiceConfig } from '../config/service.config.js';
import { ApiError } from './api-envelope.js';
import { InternalHttpClient } from './internal-client.js';

const meta = { requestId: 'r-1', timestamp: new Date(0).toISOString(), version: '1.0' };
const fail = (res: ServerResponse, status: number, code: string, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ success: false, error: { code, message: `${code} from downstream`, details: { from: 'downstream' } }, meta }));
};

/** A downstream service answering each path in one way, and one that never answers /hang. */
const downstream: Record<string, (res: ServerResponse) => void> = {
  '/ok': (res) => {
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ success: true, data: { id: 'b-1' }, meta }));
  },
  '/overloaded': (res) => fail(res, 503, 'OVERLOADED', { 'retry-after': '3' }),
  '/overloaded-without-retry-after': (res) => fail(res, 503, 'OVERLOADED'),
  '/rate-limited': (res) => fail(res, 429, 'RATE_LIMITED', { 'retry-after': '7' }),
  '/conflict': (res) => fail(res, 409, 'SLOT_UNAVAILABLE', { 'retry-after': '9' }),
  '/not-ready': (res) => fail(res, 503, 'NOT_READY', { 'retry-after': '5' }),
  '/kill-switch': (res) => fail(res, 503, 'BOOKINGS_DISABLED'),
  '/database-away': (res) => fail(res, 503, 'DATABASE_UNAVAILABLE', { 'retry-after': '1' }),
  '/bug': (res) => fail(res, 500, 'INTERNAL_ERROR'),
  '/not-json': (res) => {
    res.writeHead(502, { 'content-type': 'text/html' });
    res.end('<html>bad gateway</html>');
  },
  '/hang': () => undefined,
};

describe('InternalHttpClient', () => {
  let server: Server;
  let baseUrl: string;
  const client = new InternalHttpClient(new InternalIdentity(new ServiceConfig()));
  const outcome = async (path: string, url = baseUrl) => {
    try {
      return { result: await client.exchange({ method: 'GET', service: 'booking-svc', baseUrl: url, path, timeoutMs: 300 }) };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return { status: error.status, code: error.code, retryAfterSeconds: error.retryAfterSeconds, details: error.details };
    }
  };

  beforeAll(async () => {
    server = createServer((req, res) => downstream[req.url ?? '']?.(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('returns the data and status of a success', async () => {
    expect(await outcome('/ok')).toEqual({ result: { status: 201, data: { id: 'b-1' } } });
  });

  it('hands a success envelope over as the text the downstream sent, and a failure as the same ApiError', async () => {
    const text = await client.exchangeText({ method: 'GET', service: 'booking-svc', baseUrl, path: '/ok' });
    expect(text).toEqual({ status: 201, text: JSON.stringify({ success: true, data: { id: 'b-1' }, meta }) });
    await expect(client.exchangeText({ method: 'GET', service: 'booking-svc', baseUrl, path: '/conflict' })).rejects.toMatchObject({
      status: 409,
      code: 'SLOT_UNAVAILABLE',
    });
    await expect(client.exchangeText({ method: 'GET', service: 'booking-svc', baseUrl, path: '/not-json' })).rejects.toMatchObject({
      status: 502,
      code: 'UPSTREAM_ERROR',
    });
  });

  it('relays a downstream that shed the request as 503 OVERLOADED with its Retry-After (1 when it named none)', async () => {
    expect(await outcome('/overloaded')).toEqual({ status: 503, code: 'OVERLOADED', retryAfterSeconds: 3, details: { from: 'downstream' } });
    expect(await outcome('/overloaded-without-retry-after')).toMatchObject({ status: 503, code: 'OVERLOADED', retryAfterSeconds: 1 });
    // A kill switch refuses on purpose too: the caller sees why.
    expect(await outcome('/kill-switch')).toMatchObject({ status: 503, code: 'BOOKINGS_DISABLED', retryAfterSeconds: 1 });
    expect(await outcome('/database-away')).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE', retryAfterSeconds: 1 });
  });

  it('relays a 429 with its Retry-After, and other refusals with their status and code only', async () => {
    expect(await outcome('/rate-limited')).toMatchObject({ status: 429, code: 'RATE_LIMITED', retryAfterSeconds: 7 });
    expect(await outcome('/conflict')).toEqual({ status: 409, code: 'SLOT_UNAVAILABLE', retryAfterSeconds: undefined, details: { from: 'downstream' } });
  });

  it('answers 502 UPSTREAM_ERROR for any other failure of the downstream', async () => {
    for (const path of ['/not-ready', '/bug', '/not-json'])
      expect({ path, ...(await outcome(path)) }).toEqual({ path, status: 502, code: 'UPSTREAM_ERROR', retryAfterSeconds: undefined, details: undefined });
  });

  it('answers 504 UPSTREAM_TIMEOUT when the downstream does not answer in time', async () => {
    expect(await outcome('/hang')).toMatchObject({ status: 504, code: 'UPSTREAM_TIMEOUT' });
  });

  it('answers 503 UPSTREAM_UNAVAILABLE with Retry-After 1 when the downstream cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await outcome('/ok', `http://127.0.0.1:${port}`)).toMatchObject({ status: 503, code: 'UPSTREAM_UNAVAILABLE', retryAfterSeconds: 1 });
  });
});
