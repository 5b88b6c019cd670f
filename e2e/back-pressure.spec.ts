import { type RunningService, devToken, localEnv, startService } from '@bp/testing';
import { createProvider, slotStart } from './support/internal-api.js';
import { scrape } from './support/scrape.js';
import { type TestPlatform, portOf, startPlatform } from './support/test-platform.js';
import { type Unresponsive, startHangingHttpServer } from './support/unresponsive-servers.js';

interface Timed {
  status: number;
  retryAfter: string | null;
  code?: string;
  ms: number;
}

async function timedGet(url: string, headers: Record<string, string>): Promise<Timed> {
  const started = Date.now();
  const response = await fetch(url, { headers });
  const body = (await response.json().catch(() => null)) as { error?: { code: string } } | null;
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    ...(body?.error ? { code: body.error.code } : {}),
    ms: Date.now() - started,
  };
}

const FLOOD = 60;
const day = (date: Date) => date.toISOString().slice(0, 10);
const countBy = (answers: Timed[]) => answers.reduce<Record<number, number>>((counts, a) => ({ ...counts, [a.status]: (counts[a.status] ?? 0) + 1 }), {});

/**
 * booking-svc with room for 2 requests and 1 waiting (300 ms at most), flooded with concurrent
 * availability reads directly and through the gateway: the excess is refused at once with
 * 503 OVERLOADED and Retry-After, the rest answered; nothing times out, nothing is a 502.
 */
describe('back-pressure instead of timeouts', () => {
  let platform: TestPlatform;
  let availability: string;

  beforeAll(async () => {
    platform = await startPlatform(['gateway', 'booking-svc'], {
      portOffset: 500,
      env: { 'booking-svc': { HTTP_MAX_IN_FLIGHT: '2', HTTP_MAX_QUEUE_LENGTH: '1', HTTP_MAX_QUEUE_WAIT_MS: '300' } },
    });
    const provider = await createProvider(platform.url('booking-svc'));
    availability = `/providers/${provider.id}/availability?serviceId=svc-consult&from=${day(slotStart(24))}&to=${day(slotStart(24 * 60))}`;
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
  }, 60_000);

  it('has a flooded service answer the excess 503 OVERLOADED with Retry-After at once, and the rest 200', async () => {
    const shedBefore = (await scrape(platform.url('booking-svc'))).value('http_server_requests_shed_total') ?? 0;
    const headers = { 'x-internal-token': localEnv()['INTERNAL_API_TOKEN'] ?? '', 'x-actor-type': 'patient', 'x-actor-id': 'patient-flood' };
    const answers = await Promise.all(Array.from({ length: FLOOD }, () => timedGet(`${platform.url('booking-svc')}/internal${availability}`, headers)));

    const counts = countBy(answers);
    expect(Object.keys(counts).sort()).toEqual(['200', '503']);
    expect(counts[200]).toBeGreaterThanOrEqual(2);
    for (const refused of answers.filter((a) => a.status === 503)) {
      expect(refused).toMatchObject({ code: 'OVERLOADED', retryAfter: '1' });
      expect(refused.ms).toBeLessThan(3000);
    }
    const shedAfter = (await scrape(platform.url('booking-svc'))).value('http_server_requests_shed_total')!;
    expect(shedAfter - shedBefore).toBe(counts[503]);
  });

  it('relays the refusal through the gateway as 503 OVERLOADED with Retry-After: no 502, no 504', async () => {
    const tokens = await Promise.all(Array.from({ length: 4 }, (_, i) => devToken('patient', `patient-flood-${i}-${platform.suffix}`)));
    const answers = await Promise.all(
      Array.from({ length: FLOOD }, (_, i) =>
        timedGet(`${platform.url('gateway')}/api${availability}`, { authorization: `Bearer ${tokens[i % tokens.length]}` }),
      ),
    );

    const counts = countBy(answers);
    expect(Object.keys(counts).sort()).toEqual(['200', '503']);
    for (const refused of answers.filter((a) => a.status === 503)) {
      expect(refused).toMatchObject({ code: 'OVERLOADED', retryAfter: '1' });
      expect(refused.ms).toBeLessThan(3000);
    }
  });

  describe('a service that hangs', () => {
    let hanging: Unresponsive;
    let gateway: RunningService;

    beforeAll(async () => {
      hanging = await startHangingHttpServer();
      gateway = await startService('gateway', portOf('gateway', 510), {
        BOOKING_SVC_URL: hanging.url,
        KAFKA_GROUP_ID: `gateway-hanging-${platform.suffix}`,
        UPSTREAM_TIMEOUT_MS: '1500',
        HTTP_MAX_QUEUE_WAIT_MS: '500',
      });
    }, 120_000);

    afterAll(async () => {
      await gateway?.stop();
      await hanging?.stop();
    }, 30_000);

    it('is still answered 504 UPSTREAM_TIMEOUT once the upstream deadline passes', async () => {
      const token = await devToken('patient', `patient-hang-${platform.suffix}`);
      const answer = await timedGet(`${gateway.url}/api${availability}`, { authorization: `Bearer ${token}` });
      expect(answer).toMatchObject({ status: 504, code: 'UPSTREAM_TIMEOUT' });
      expect(answer.ms).toBeLessThan(5000);
    });
  });
});
