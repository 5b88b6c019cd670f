import { randomUUID } from 'node:crypto';
import { type RunningService, devToken, startService } from '@bp/testing';
import { createProvider } from './support/internal-api.js';
import { scrape } from './support/scrape.js';
import { type TestPlatform, portOf, startPlatform } from './support/test-platform.js';
import { type Unresponsive, deadPort, startSilentRedis } from './support/unresponsive-servers.js';

/** Tight limits, so a handful of requests reaches each: 5 per user, 4 per address without a token, 12 per address with tokens. */
const LIMITS = { RATE_LIMIT_PER_USER_PER_MINUTE: '5', RATE_LIMIT_PER_IP_PER_MINUTE: '4', RATE_LIMIT_PER_IP_AUTHENTICATED_PER_MINUTE: '12' };

/** A client address of its own (the gateway believes X-Forwarded-For from loopback), so no other run shares its count. */
const newAddress = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
const newPatient = () => devToken('patient', `patient-${randomUUID()}`);

interface Answer {
  status: number;
  code?: string;
  retryAfter: string | null;
  ms: number;
}

/** Gateways with tight limits: counting in the shared Redis, with Redis unreachable, and with a Redis that never answers. */
describe('gateway rate limits', () => {
  let platform: TestPlatform;
  let shared: RunningService;
  let redisDown: RunningService;
  let redisHung: RunningService;
  let silentRedis: Unresponsive;
  let providerId: string;

  async function get(gateway: RunningService, path: string, options: { token?: string; address?: string; authorization?: string } = {}): Promise<Answer> {
    const started = Date.now();
    const response = await fetch(`${gateway.url}${path}`, {
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.authorization ? { authorization: options.authorization } : {}),
        'x-forwarded-for': options.address ?? newAddress(),
      },
    });
    const body = (await response.json().catch(() => null)) as { error?: { code: string } } | null;
    return {
      status: response.status,
      ...(body?.error ? { code: body.error.code } : {}),
      retryAfter: response.headers.get('retry-after'),
      ms: Date.now() - started,
    };
  }
  const statuses = (answers: Answer[]) => answers.map((a) => a.status);
  /** `count` requests one after another, each from `request(i)`. */
  async function inTurn(count: number, request: (i: number) => Promise<Answer>): Promise<Answer[]> {
    const answers: Answer[] = [];
    for (let i = 0; i < count; i++) answers.push(await request(i));
    return answers;
  }

  beforeAll(async () => {
    platform = await startPlatform(['booking-svc'], { portOffset: 520 });
    silentRedis = await startSilentRedis();
    const gateway = (offset: number, name: string, env: Record<string, string> = {}) =>
      startService('gateway', portOf('gateway', offset), {
        BOOKING_SVC_URL: platform.url('booking-svc'),
        KAFKA_GROUP_ID: `gateway-${name}-${platform.suffix}`,
        ...LIMITS,
        ...env,
      });
    [shared, redisDown, redisHung] = await Promise.all([
      gateway(530, 'limits'),
      gateway(540, 'redis-down', { REDIS_URL: `redis://127.0.0.1:${await deadPort()}` }),
      gateway(550, 'redis-hung', { REDIS_URL: silentRedis.url, RATE_LIMIT_REDIS_TIMEOUT_MS: '100' }),
    ]);
    providerId = (await createProvider(platform.url('booking-svc'))).id;
  }, 180_000);

  afterAll(async () => {
    await Promise.all([shared, redisDown, redisHung].map((gateway) => gateway?.stop()));
    await silentRedis?.stop();
    await platform?.stop();
  }, 60_000);

  it('limits a percent-encoded /api path like the plain one', async () => {
    const token = await newPatient();
    const paths = [
      '/api/bookings/patient',
      '/%61pi/bookings/patient',
      '/api/bookings/patient',
      '/%61pi/bookings/patient',
      '/api/bookings/patient',
      '/%61pi/bookings/patient',
    ];
    const answers = await inTurn(paths.length, (i) => get(shared, paths[i]!, { token }));
    expect(statuses(answers)).toEqual([200, 200, 200, 200, 200, 429]);

    const address = newAddress();
    const anonymous = await inTurn(5, (i) => get(shared, i % 2 ? '/api/bookings/patient' : '/%61pi/bookings/patient', { address }));
    expect(statuses(anonymous)).toEqual([401, 401, 401, 401, 429]);
  });

  it('limits a user across every route, whatever address each request comes from', async () => {
    const token = await newPatient();
    const routes = [`/api/bookings/patient`, `/api/providers/${providerId}/profile`, `/api/notifications/preferences`];
    const answers = await inTurn(6, (i) => get(shared, routes[i % routes.length]!, { token }));
    expect(statuses(answers.slice(0, 5))).not.toContain(429);
    expect(answers[5]).toMatchObject({ status: 429, code: 'RATE_LIMITED', retryAfter: expect.stringMatching(/^\d+$/) });
    expect(Number(answers[5]!.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(answers[5]!.retryAfter)).toBeLessThanOrEqual(60);
  });

  it('limits requests without a valid token by address, one address apart from another', async () => {
    const [address, other] = [newAddress(), newAddress()];
    const answers = await inTurn(5, () => get(shared, '/api/bookings/patient', { address }));
    expect(statuses(answers)).toEqual([401, 401, 401, 401, 429]);
    expect(answers[4]).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.stringMatching(/^\d+$/) });
    expect((await get(shared, '/api/bookings/patient', { address: other })).status).toBe(401);

    const withBadToken = newAddress();
    const badTokens = await inTurn(5, () => get(shared, '/api/bookings/patient', { address: withBadToken, authorization: 'Bearer not.a.token' }));
    expect(statuses(badTokens)).toEqual([401, 401, 401, 401, 429]); // an invalid token counts as none
  });

  it('lets many signed-in users share one address up to the authenticated ceiling, not the anonymous limit', async () => {
    const address = newAddress();
    const tokens = await Promise.all(Array.from({ length: 13 }, newPatient));
    const answers = await inTurn(13, (i) => get(shared, '/api/bookings/patient', { token: tokens[i], address }));
    expect(statuses(answers)).toEqual([...Array(12).fill(200), 429]);
  });

  it('keeps answering with Redis unreachable, counting in memory with the same limits', async () => {
    const before = (await scrape(redisDown.url)).value('gateway_rate_limit_fallback_total', { reason: 'unavailable' }) ?? 0;
    const token = await newPatient();
    const answers = await inTurn(6, () => get(redisDown, '/api/bookings/patient', { token }));
    expect(statuses(answers)).toEqual([200, 200, 200, 200, 200, 429]);
    expect((await scrape(redisDown.url)).value('gateway_rate_limit_fallback_total', { reason: 'unavailable' })).toBeGreaterThanOrEqual(before + 6);
    expect((await fetch(`${redisDown.url}/health/ready`)).status).toBe(200);
  });

  it('keeps answering promptly with a Redis that never answers, counting in memory after the command timeout', async () => {
    const token = await newPatient();
    const answers = await inTurn(6, () => get(redisHung, '/api/bookings/patient', { token }));
    expect(statuses(answers)).toEqual([200, 200, 200, 200, 200, 429]);
    for (const answer of answers) expect(answer.ms).toBeLessThan(3000);
    expect((await scrape(redisHung.url)).value('gateway_rate_limit_fallback_total', { reason: 'timeout' })).toBeGreaterThanOrEqual(1);
    expect((await fetch(`${redisHung.url}/health/ready`)).status).toBe(200);
  });
});
