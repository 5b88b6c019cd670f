import http from 'node:http';
import { Topics } from '@bp/contracts';
import { buildMessage } from '@bp/messaging';
import { type RunningService, devToken, publishMessages, startService, testKafka, waitFor } from '@bp/testing';
import { createProvider, internalHeaders, slotStart } from './support/internal-api.js';
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

const FLOOD = 20;
const FLOODER = { type: 'patient' as const, id: 'patient-flood' };

/**
 * Requests that take a place and keep it: their headers go out, their body never does, and the service
 * (which admits a request before reading its body) holds the place until the connection closes.
 */
async function occupy(baseUrl: string, count: number): Promise<{ release: () => void }> {
  const headers = await internalHeaders(baseUrl, 'POST', '/internal/reservations', FLOODER);
  const requests = Array.from({ length: count }, () => {
    const request = http.request(`${baseUrl}/internal/reservations`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'content-length': '1000', 'x-idempotency-key': `hold-${Math.random()}` },
    });
    request.on('error', () => undefined); // destroyed on release
    request.flushHeaders();
    return request;
  });
  return { release: () => requests.forEach((request) => request.destroy()) };
}
const day = (date: Date) => date.toISOString().slice(0, 10);
const countBy = (answers: Timed[]) => answers.reduce<Record<number, number>>((counts, a) => ({ ...counts, [a.status]: (counts[a.status] ?? 0) + 1 }), {});

/**
 * booking-svc with room for 2 requests and 1 waiting (300 ms at most), its places taken by requests
 * that never finish, then asked for availability directly and through the gateway: every request is
 * refused with 503 OVERLOADED and Retry-After, none waits past the queue's limit, nothing is a 502 or a
 * timeout; once the places are free again it answers.
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

  /** Fills booking-svc's places, runs `flood`, frees them, and checks that booking-svc answers again. */
  async function whileFull(flood: () => Promise<Timed[]>): Promise<Timed[]> {
    const bookingSvc = platform.url('booking-svc');
    const held = await occupy(bookingSvc, 2);
    try {
      await waitFor(
        async () => (await scrape(bookingSvc)).value('http_server_requests_in_flight') === 2,
        10_000,
        () => 'both places taken',
      );
      return await flood();
    } finally {
      held.release();
      await waitFor(
        async () =>
          (await timedGet(`${bookingSvc}/internal${availability}`, await internalHeaders(bookingSvc, 'GET', `/internal${availability}`, FLOODER))).status ===
          200,
        10_000,
        () => 'booking-svc answering again',
      );
    }
  }

  /** Requests booking-svc refused for want of a place: the queue full, or the wait in it over. */
  const shedTotal = async () => {
    const metrics = await scrape(platform.url('booking-svc'));
    return (['queue_full', 'queue_timeout'] as const).reduce((sum, reason) => sum + (metrics.value('http_server_requests_shed_total', { reason }) ?? 0), 0);
  };

  const expectAllRefused = (answers: Timed[]) => {
    expect(countBy(answers)).toEqual({ 503: answers.length });
    for (const refused of answers) {
      expect(refused).toMatchObject({ code: 'OVERLOADED', retryAfter: '1' });
      expect(refused.ms).toBeLessThan(3000); // at most the queue's 300 ms, never the caller's timeout
    }
  };

  it('has a full service answer 503 OVERLOADED with Retry-After at once, and count what it shed', async () => {
    const shedBefore = await shedTotal();
    const url = platform.url('booking-svc');
    const headers = await internalHeaders(url, 'GET', `/internal${availability}`, FLOODER);
    const answers = await whileFull(() => Promise.all(Array.from({ length: FLOOD }, () => timedGet(`${url}/internal${availability}`, headers))));

    expectAllRefused(answers);
    const shed = (await shedTotal()) - shedBefore;
    expect(shed).toBe(FLOOD);
  });

  it('relays the refusal through the gateway as 503 OVERLOADED with Retry-After: no 502, no 504', async () => {
    const tokens = await Promise.all(Array.from({ length: 4 }, (_, i) => devToken('patient', `patient-flood-${i}-${platform.suffix}`)));
    const answers = await whileFull(() =>
      Promise.all(
        Array.from({ length: FLOOD }, (_, i) =>
          timedGet(`${platform.url('gateway')}/api${availability}`, { authorization: `Bearer ${tokens[i % tokens.length]}` }),
        ),
      ),
    );

    expectAllRefused(answers);
  });

  it('refuses new reservations 503 OVERLOADED while its consumers run behind, and takes them again once they caught up', async () => {
    const provider = await createProvider(platform.url('booking-svc'));
    const token = await devToken('patient', `patient-intake-${platform.suffix}`);
    const reserve = async (): Promise<Timed> => {
      const started = Date.now();
      const response = await fetch(`${platform.url('gateway')}/api/bookings/reserve-slot`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-idempotency-key': `intake-${platform.suffix}` },
        body: JSON.stringify({ providerId: provider.id, serviceId: 'svc-consult', startTime: slotStart(30).toISOString() }),
      });
      const body = (await response.json()) as { error?: { code: string } };
      return {
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        ...(body.error ? { code: body.error.code } : {}),
        ms: Date.now() - started,
      };
    };
    expect((await reserve()).status).toBe(201);

    // Events whose state changes happened 20 s ago: booking-svc handles them that late, as when Kafka holds a
    // backlog. A first round on the same keys (so the same partitions) comes first: what was in a partition
    // when booking-svc began reading it is a possible redelivery, and only later messages measure the delay.
    const handled = async () =>
      (await scrape(platform.url('booking-svc'))).value('kafka_messages_consumed_total', {
        topic: Topics.calendarEvents,
        type: 'ProviderBusyTimesUpdated',
        outcome: 'handled',
      }) ?? 0;
    const busyTimes = (version: number, occurredAt: string) =>
      Array.from({ length: 12 }, (_, i) => {
        const providerId = `provider-elsewhere-${platform.suffix}-${i}`;
        const event = buildMessage(
          Topics.calendarEvents,
          'ProviderBusyTimesUpdated',
          { providerId, from: occurredAt, to: occurredAt, busy: [] },
          { id: providerId, version },
        );
        return { ...event, envelope: { ...event.envelope, occurredAt } };
      });
    const producer = testKafka().producer();
    await producer.connect();
    try {
      const before = await handled();
      await publishMessages(producer, busyTimes(1, new Date().toISOString()));
      await waitFor(
        async () => (await handled()) >= before + 12,
        20_000,
        () => 'the first round handled',
      );
      await publishMessages(producer, busyTimes(2, new Date(Date.now() - 20_000).toISOString()));
    } finally {
      await producer.disconnect();
    }

    let refused: Timed | undefined;
    await waitFor(
      async () => (refused = await reserve()).status === 503,
      20_000,
      () => `a refusal while booking-svc handles the late events (last answer ${refused?.status})`,
    );
    expect(refused).toMatchObject({ status: 503, code: 'OVERLOADED', retryAfter: '1' });
    expect(refused!.ms).toBeLessThan(3000);
    const metrics = await scrape(platform.url('booking-svc'));
    expect(metrics.value('http_server_requests_shed_total', { reason: 'consumer_delay' })).toBeGreaterThan(0);
    // Nothing more arrives late: the door opens again (the same request, answered as the first time).
    await waitFor(
      async () => (await reserve()).status === 201,
      10_000,
      () => 'reservations taken again',
    );
  }, 60_000);

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
