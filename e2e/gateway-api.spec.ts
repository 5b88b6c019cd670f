import { randomUUID } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import { type CryptoKey, SignJWT, exportJWK, generateKeyPair } from 'jose';
import { Validator } from '@seriousme/openapi-schema-validator';
import { deadLetterTopicFor } from '@bp/contracts';
import { type RunningService, devToken, startService, subscribeSse, testKafka, waitFor } from '@bp/testing';
import { bookingReaches, patientRequests } from './support/gateway-client.js';
import { ROUND_THE_CLOCK, slotStart } from './support/internal-api.js';
import { type TestPlatform, portOf, startPlatform } from './support/test-platform.js';

const ENVELOPE_META = { requestId: expect.any(String), timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/), version: '1.0' };

/** The public API's contract on the real gateway: envelopes, headers, idempotency, rate limits and the all-bookings kill switch. */
describe('gateway public API', () => {
  let platform: TestPlatform;
  let limited: RunningService;
  const providerId = `provider-${randomUUID()}`;
  const patient = `patient-${randomUUID()}`;
  let patientToken: string;
  let adminToken: string;

  async function call(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string; base?: string } = {},
  ) {
    const response = await fetch(`${options.base ?? platform.url('gateway')}${path}`, {
      method,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body !== undefined || options.raw !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      ...(options.raw !== undefined ? { body: options.raw } : options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    return { status: response.status, headers: response.headers, body: (await response.json().catch(() => null)) as any };
  }
  const mutate = (path: string, token: string, body: unknown, key: string = `k-${randomUUID()}`, headers: Record<string, string> = {}) =>
    call('POST', path, { token, body, headers: { 'x-idempotency-key': key, ...headers } });
  const reserveBody = (hoursAhead: number) => ({ providerId, serviceId: 'svc-consult', startTime: slotStart(hoursAhead).toISOString() });

  beforeAll(async () => {
    platform = await startPlatform(['gateway', 'booking-svc', 'payment-svc'], { portOffset: 200 });
    patientToken = await devToken('patient', patient);
    adminToken = await devToken('admin', `admin-${randomUUID()}`);
    const created = await call('PUT', `/api/providers/${providerId}`, {
      token: adminToken,
      headers: { 'x-idempotency-key': `k-${randomUUID()}` },
      body: {
        displayName: 'Dr. Ana Ruiz, Family Medicine',
        timezone: 'America/Denver',
        services: [{ id: 'svc-consult', name: 'Consultation', category: 'general', durationMinutes: 30, priceCents: 10_000 }],
        weeklyHours: ROUND_THE_CLOCK,
        overrides: [],
        settings: { minimumNoticeHours: 1, bufferMinutes: 15 },
      },
    });
    expect(created.status).toBe(201);
    // A second gateway replica with tight limits and a minimum app version, sharing Redis with the first.
    limited = await startService('gateway', portOf('gateway', 210), {
      BOOKING_SVC_URL: platform.url('booking-svc'),
      PAYMENT_SVC_URL: platform.url('payment-svc'),
      KAFKA_GROUP_ID: `gateway-limited-${platform.suffix}`,
      RATE_LIMIT_PER_USER_PER_MINUTE: '5',
      RATE_LIMIT_PER_IP_PER_MINUTE: '8',
      MIN_CLIENT_VERSION: '2.0.0',
    });
  }, 180_000);

  afterAll(async () => {
    await call('PUT', '/api/admin/feature-flags/booking.disable_all_bookings', {
      token: adminToken,
      body: { enabled: false },
      headers: { 'x-idempotency-key': `k-${randomUUID()}` },
    }).catch(() => undefined);
    await limited?.stop();
    await platform?.stop();
  }, 60_000);

  it('answers success in the spec envelope and carries the request id through', async () => {
    const requestId = `req-${randomUUID()}`;
    const answer = await call('GET', '/api/bookings/patient', { token: patientToken, headers: { 'x-request-id': requestId } });
    expect(answer).toMatchObject({ status: 200, body: { success: true, data: { items: [] }, meta: { ...ENVELOPE_META, requestId } } });
    expect(answer.headers.get('x-request-id')).toBe(requestId);
    const generated = await call('GET', '/api/bookings/patient', { token: patientToken });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(generated.body.meta.requestId).toBe(generated.headers.get('x-request-id'));
  });

  it('answers every error class in the error envelope with a stable code and the right status', async () => {
    const failures = {
      unauthenticated: await call('GET', '/api/bookings/patient'),
      badToken: await call('GET', '/api/bookings/patient', { token: 'not.a.token' }),
      forbidden: await call('GET', '/api/bookings/provider', { token: patientToken }),
      notFound: await call('GET', `/api/bookings/${randomUUID()}`, { token: patientToken }),
      noRoute: await call('GET', '/api/nothing-here', { token: patientToken }),
      wrongMethod: await call('DELETE', '/api/bookings/patient', { token: patientToken }),
      validation: await mutate('/api/bookings/reserve-slot', patientToken, { providerId, serviceId: '', startTime: 'tomorrow' }),
      unknownField: await mutate('/api/bookings/reserve-slot', patientToken, { ...reserveBody(30), price: 1 }),
      malformedJson: await call('POST', '/api/bookings/reserve-slot', {
        token: patientToken,
        raw: '{"providerId":',
        headers: { 'x-idempotency-key': `k-${randomUUID()}` },
      }),
      tooLarge: await mutate('/api/bookings/reserve-slot', patientToken, { ...reserveBody(30), padding: 'x'.repeat(200_000) }),
      noIdempotencyKey: await call('POST', '/api/bookings/reserve-slot', { token: patientToken, body: reserveBody(30) }),
      badTimezone: await call('GET', '/api/bookings/patient', { token: patientToken, headers: { 'x-timezone': 'Mars/Olympus' } }),
    };
    const expected: Record<keyof typeof failures, [number, string]> = {
      unauthenticated: [401, 'UNAUTHENTICATED'],
      badToken: [401, 'UNAUTHENTICATED'],
      forbidden: [403, 'FORBIDDEN'],
      notFound: [404, 'BOOKING_NOT_FOUND'],
      noRoute: [404, 'NOT_FOUND'],
      wrongMethod: [405, 'METHOD_NOT_ALLOWED'],
      validation: [400, 'VALIDATION_FAILED'],
      unknownField: [400, 'VALIDATION_FAILED'],
      malformedJson: [400, 'BAD_REQUEST'],
      tooLarge: [413, 'PAYLOAD_TOO_LARGE'],
      noIdempotencyKey: [400, 'IDEMPOTENCY_KEY_REQUIRED'],
      badTimezone: [400, 'INVALID_TIMEZONE'],
    };
    for (const [name, answer] of Object.entries(failures)) {
      const [status, code] = expected[name as keyof typeof failures];
      expect({ name, status: answer.status, body: answer.body }).toEqual({
        name,
        status,
        body: { success: false, error: expect.objectContaining({ code, message: expect.any(String) }), meta: ENVELOPE_META },
      });
    }
    // A path the API serves, with a method it does not serve there: 405 says which ones it does.
    expect(failures.wrongMethod.headers.get('allow')).toBe('GET, HEAD');
    // Validation lists each bad field.
    expect(failures.validation.body.error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['serviceId', 'startTime']);
  });

  it('requires an idempotency key on mutations, replays a retry, and refuses the key for a different body', async () => {
    const key = `reserve-${randomUUID()}`;
    // One body for both: computed twice, a slot time can cross a five-minute boundary in between.
    const body = reserveBody(31);
    const first = await mutate('/api/bookings/reserve-slot', patientToken, body, key);
    const again = await mutate('/api/bookings/reserve-slot', patientToken, body, key);
    expect(first.status).toBe(201);
    expect(again).toMatchObject({ status: 201, body: { data: { id: first.body.data.id } } });
    const booking = await mutate('/api/bookings', patientToken, { reservationId: first.body.data.id, patientTimezone: 'UTC' }, `create-${key}`);
    const replay = await mutate('/api/bookings', patientToken, { reservationId: first.body.data.id, patientTimezone: 'UTC' }, `create-${key}`);
    expect(replay).toMatchObject({ status: 201, body: { data: { id: booking.body.data.id } } });
    const reused = await mutate('/api/bookings', patientToken, { reservationId: first.body.data.id, patientTimezone: 'Europe/Paris' }, `create-${key}`);
    expect(reused).toMatchObject({ status: 422, body: { error: { code: 'IDEMPOTENCY_KEY_REUSED' } } });
  });

  it('renders booking times in the caller’s X-Timezone', async () => {
    const reservation = await mutate('/api/bookings/reserve-slot', patientToken, reserveBody(33));
    const booking = await mutate('/api/bookings', patientToken, { reservationId: reservation.body.data.id, patientTimezone: 'UTC' }, undefined, {
      'x-timezone': 'Asia/Kolkata',
    });
    expect(booking.body.data.localTimes).toMatchObject({ timezone: 'Asia/Kolkata', start: expect.stringMatching(/\+05:30$/) });
    expect(new Date(booking.body.data.localTimes.start).getTime()).toBe(new Date(reservation.body.data.startTime).getTime());
  });

  it('limits each user and each client address without a token, answering 429 with Retry-After', async () => {
    const base = limited.url;
    const user = await devToken('patient', `patient-${randomUUID()}`);
    const byUser: number[] = [];
    for (let i = 0; i < 6; i++)
      byUser.push((await call('GET', '/api/bookings/patient', { base, token: user, headers: { 'x-forwarded-for': `10.9.${i}.1` } })).status);
    expect(byUser).toEqual([200, 200, 200, 200, 200, 429]);

    const address = `192.168.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const byAddress: Array<{ status: number; retryAfter: string | null; code?: string }> = [];
    for (let i = 0; i < 9; i++) {
      const answer = await call('GET', '/api/bookings/patient', { base, headers: { 'x-forwarded-for': address } });
      byAddress.push({ status: answer.status, retryAfter: answer.headers.get('retry-after'), code: answer.body?.error?.code });
    }
    expect(byAddress.slice(0, 8).map((a) => a.status)).toEqual(Array(8).fill(401));
    expect(byAddress[8]).toMatchObject({ status: 429, code: 'RATE_LIMITED', retryAfter: expect.stringMatching(/^\d+$/) });
  });

  it('asks clients below the minimum version to upgrade (426)', async () => {
    // A patient of its own: a user's requests count against its limit across routes and replicas (shared Redis).
    const patientToken = await devToken('patient', `patient-${randomUUID()}`);
    const old = await call('GET', '/api/bookings/patient', {
      base: limited.url,
      token: patientToken,
      headers: { 'x-client-version': '1.9.9', 'x-forwarded-for': '10.1.1.1' },
    });
    expect(old).toMatchObject({ status: 426, body: { error: { code: 'CLIENT_UPGRADE_REQUIRED', details: { minimumVersion: '2.0.0' } } } });
    const current = await call('GET', '/api/bookings/patient', {
      base: limited.url,
      token: patientToken,
      headers: { 'x-client-version': '2.4.0', 'x-forwarded-for': '10.1.1.2' },
    });
    expect(current.status).toBe(200);
  });

  it('answers 503 BOOKINGS_DISABLED on new bookings while booking.disable_all_bookings is on, within seconds of the switch', async () => {
    const set = (enabled: boolean) =>
      call('PUT', '/api/admin/feature-flags/booking.disable_all_bookings', {
        token: adminToken,
        body: { enabled },
        headers: { 'x-idempotency-key': `k-${randomUUID()}` },
      });
    expect((await set(true)).status).toBe(200);
    try {
      const refused = await waitFor(
        async () => {
          const answer = await mutate('/api/bookings/reserve-slot', patientToken, reserveBody(35));
          return answer.status === 503 ? answer : undefined;
        },
        10_000,
        () => 'the kill switch to apply',
      );
      expect(refused.body).toMatchObject({ success: false, error: { code: 'BOOKINGS_DISABLED' } });
      expect((await call('GET', '/api/bookings/patient', { token: patientToken })).status).toBe(200); // reading still works
      expect(
        (
          await call('PUT', '/api/admin/feature-flags/no.such.flag', {
            token: adminToken,
            body: { enabled: true },
            headers: { 'x-idempotency-key': `k-${randomUUID()}` },
          })
        ).status,
      ).toBe(404);
    } finally {
      expect((await set(false)).status).toBe(200);
    }
    await waitFor(
      async () => (await mutate('/api/bookings/reserve-slot', patientToken, reserveBody(36))).status === 201,
      10_000,
      () => 'bookings to open again',
    );
  }, 30_000);

  it('publishes a valid OpenAPI 3 document covering every route the gateway serves, with envelopes and request schemas', async () => {
    const document = (await (await fetch(`${platform.url('gateway')}/docs-json`)).json()) as any;
    const validation = await new Validator().validate(document);
    expect(validation).toEqual({ valid: true });
    expect((await fetch(`${platform.url('gateway')}/docs`)).status).toBe(200);

    // Every /api route Nest mapped at startup is documented, and nothing else.
    const mapped = [...platform.services['gateway']!.output().matchAll(/Mapped \{(\/api\/[^,]+), (\w+)\} route/g)].map(
      ([, path, method]) => `${method} ${path!.replace(/:(\w+)/g, '{$1}')}`,
    );
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations as object).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(mapped.length).toBeGreaterThan(30);
    expect(new Set(documented)).toEqual(new Set(mapped));

    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations as Record<string, any>)) {
        const where = `${method.toUpperCase()} ${path}`;
        // The live streams answer an event stream or a protocol switch, not a JSON envelope.
        if (!['/api/bookings/events', '/api/live/ws'].includes(path)) {
          const ok = Object.entries(operation.responses).find(([status]) => status.startsWith('2')) as [string, any];
          expect({ where, success: ok[1].content['application/json'].schema.properties.data }).toEqual({
            where,
            success: { $ref: expect.stringMatching(/^#\/components\/schemas\//) },
          });
          // A route that takes a bearer token documents its absence (dev sign-in takes none).
          expect({ where, unauthenticated: operation.responses['401']?.content['application/json'].schema }).toEqual({
            where,
            unauthenticated: operation.security ? { $ref: '#/components/schemas/ErrorEnvelope' } : undefined,
          });
        }
        if (method !== 'get') {
          expect({ where, key: operation.parameters.some((p: any) => p.name === 'X-Idempotency-Key' && p.required) }).toEqual({ where, key: true });
        }
      }
    }
    expect(document.paths['/api/bookings/reserve-slot'].post.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ReserveSlotRequest',
    });
    expect(document.components.schemas.ReserveSlotRequest).toMatchObject({ required: ['providerId', 'serviceId', 'startTime'], additionalProperties: false });
    expect(document.paths['/api/admin/bookings'].get.parameters.map((p: any) => p.name)).toEqual(
      expect.arrayContaining(['status', 'type', 'providerId', 'patientId', 'from', 'to', 'cursor', 'limit']),
    );
  });

  it('ends a live stream when its token expires, and holds at most five streams per user', async () => {
    const streamUrl = `${platform.url('gateway')}/api/bookings/events`;
    const shortLived = await devToken('patient', `patient-${randomUUID()}`, undefined, { exp: Math.floor(Date.now() / 1000) + 3 });
    const expiring = subscribeSse(streamUrl, { authorization: `Bearer ${shortLived}` });
    await expiring.opened;
    const ended = await waitFor(
      () => expiring.events.find((e) => e.event === 'token-expired'),
      10_000,
      () => 'the stream to end at the token’s expiry',
    );
    expect(JSON.parse(ended.data)).toMatchObject({ reason: expect.any(String) });
    expiring.close();

    const someone = await devToken('patient', `patient-${randomUUID()}`);
    const open = Array.from({ length: 5 }, () => subscribeSse(streamUrl, { authorization: `Bearer ${someone}` }));
    try {
      await Promise.all(open.map((s) => s.opened));
      const sixth = await fetch(streamUrl, { headers: { authorization: `Bearer ${someone}`, accept: 'text/event-stream' } });
      expect(sixth.status).toBe(429);
      expect(((await sixth.json()) as any).error.code).toBe('TOO_MANY_STREAMS');
      open.pop()!.close(); // one closes: a place is free again
      const again = await waitFor(
        async () => {
          const attempt = subscribeSse(streamUrl, { authorization: `Bearer ${someone}` });
          return (await attempt.opened.then(() => true).catch(() => false)) ? attempt : undefined;
        },
        5_000,
        () => 'a free place after a stream closed',
      );
      again.close();
    } finally {
      for (const s of open) s.close();
    }
  });

  it('resumes a live stream from Last-Event-ID with what the client missed, and asks for a resync when it cannot', async () => {
    // A patient of its own: earlier tests may have left this file's patient at the live-reservation limit.
    const patientToken = await devToken('patient', `patient-${randomUUID()}`);
    const streamUrl = `${platform.url('gateway')}/api/bookings/events`;
    const watcher = subscribeSse(streamUrl, { authorization: `Bearer ${adminToken}` }); // sees everything: tells us when the gateway has an event
    const first = subscribeSse(streamUrl, { authorization: `Bearer ${patientToken}` });
    await Promise.all([watcher.opened, first.opened]);
    const reservationEvent = (events: typeof first.events, reservationId: string) =>
      events.find((e) => e.event === 'booking-update' && JSON.parse(e.data).aggregateId === reservationId);
    try {
      const one = await mutate('/api/bookings/reserve-slot', patientToken, reserveBody(37));
      const seen = await waitFor(
        () => reservationEvent(first.events, one.body.data.id),
        15_000,
        () => 'the first update',
      );
      first.close(); // the app goes to the background
      const two = await mutate('/api/bookings/reserve-slot', patientToken, reserveBody(38));
      await waitFor(
        () => reservationEvent(watcher.events, two.body.data.id),
        15_000,
        () => 'the gateway to receive the missed update',
      );

      const resumed = subscribeSse(streamUrl, { authorization: `Bearer ${patientToken}`, 'last-event-id': seen.id! });
      await resumed.opened;
      await waitFor(
        () => reservationEvent(resumed.events, two.body.data.id),
        15_000,
        () => 'the missed update replayed',
      );
      expect(reservationEvent(resumed.events, one.body.data.id)).toBeUndefined();
      resumed.close();

      const lost = subscribeSse(streamUrl, { authorization: `Bearer ${patientToken}`, 'last-event-id': randomUUID() });
      await lost.opened;
      const resync = await waitFor(
        () => lost.events.find((e) => e.event === 'resync'),
        10_000,
        () => 'a resync event',
      );
      expect(JSON.parse(resync.data)).toMatchObject({ reason: expect.any(String) });
      lost.close();
    } finally {
      first.close();
      watcher.close();
    }
  });

  it('takes a confirmed visit through check-in, start and completion, and marks another a no-show, through the public API', async () => {
    const providerToken = await devToken('provider', providerId);
    const visitPatient = await devToken('patient', `patient-${randomUUID()}`);
    const confirmedVisit = async (hoursAhead: number) => {
      const id = await patientRequests(platform.url('gateway'), visitPatient, providerId, hoursAhead);
      expect((await mutate(`/api/bookings/${id}/confirm`, providerToken, {})).status).toBe(200);
      await bookingReaches(platform.url('gateway'), visitPatient, id, 'confirmed');
      return id;
    };
    const seen = await confirmedVisit(3);
    const missed = await confirmedVisit(4);

    // Only the booking's provider runs the visit; the patient cannot.
    expect((await mutate(`/api/bookings/${seen}/check-in`, visitPatient, {})).status).toBe(403);
    for (const [action, status] of [
      ['check-in', 'checked_in'],
      ['start', 'in_progress'],
      ['complete', 'completed'],
    ] as const) {
      const answer = await mutate(`/api/bookings/${seen}/${action}`, providerToken, {});
      expect(answer).toMatchObject({ status: 200, body: { success: true, data: { id: seen, status } } });
    }
    // Both parties see it completed; the trail records each step in order, the start and end times with it.
    expect((await call('GET', `/api/bookings/${seen}`, { token: visitPatient })).body.data.status).toBe('completed');
    const trail = (await call('GET', `/api/admin/bookings/${seen}`, { token: adminToken })).body.data.audit as Array<{ newStatus: string }>;
    expect(trail.map((entry) => entry.newStatus).slice(-3)).toEqual(['checked_in', 'in_progress', 'completed']);
    // A finished visit cannot be run again.
    expect(await mutate(`/api/bookings/${seen}/start`, providerToken, {})).toMatchObject({ status: 409, body: { error: { code: 'INVALID_TRANSITION' } } });

    expect(await mutate(`/api/bookings/${missed}/no-show`, providerToken, {})).toMatchObject({
      status: 200,
      body: { data: { id: missed, status: 'no_show' } },
    });
    expect((await call('GET', `/api/bookings/${missed}`, { token: visitPatient })).body.data.status).toBe('no_show');
    // A no-show frees nothing early for others to double-book: the provider's slot stays in the past record, and the visit cannot start.
    expect((await mutate(`/api/bookings/${missed}/check-in`, providerToken, {})).status).toBe(409);
  }, 120_000);

  it('shows booking health as the admin dashboard does: waiting requests, holds by amount and age, the provider leaderboard', async () => {
    // A patient may hold only three live reservations; this one's identity provider gives their name.
    const someone = await devToken('patient', `patient-${randomUUID()}`, undefined, { name: 'Maria Lopez' });
    const reservation = await mutate('/api/bookings/reserve-slot', someone, reserveBody(39));
    // The name comes from the token, never from the client.
    const spoofed = await mutate('/api/bookings', someone, { reservationId: reservation.body.data.id, patientTimezone: 'UTC', patientName: 'Somebody Else' });
    expect(spoofed).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    const booking = await mutate('/api/bookings', someone, { reservationId: reservation.body.data.id, patientTimezone: 'UTC' });
    expect(booking.body.data).toMatchObject({ patientName: 'Maria Lopez', providerName: 'Dr. Ana Ruiz, Family Medicine' });
    await waitFor(
      async () => (await call('GET', `/api/bookings/${booking.body.data.id}`, { token: someone })).body.data.status === 'pending_confirmation',
      20_000,
      () => 'the request to wait for the provider',
    );
    const health = await call('GET', '/api/admin/bookings/health', { token: adminToken });
    expect(health.status).toBe(200);
    expect(health.body.data).toMatchObject({
      pendingCount: expect.any(Number),
      expiringSoonCount: expect.any(Number),
      expiredToday: expect.any(Number),
      activeHoldsCount: expect.any(Number),
      holdsAging: { under24h: expect.any(Number), days1to3: 0, days3to5: 0, days5to7: 0, over7days: 0 },
      criticalAlerts: expect.any(Array),
      thresholds: { pendingCount: 50, expiringSoonCount: 10, expiredToday: 5 },
    });
    expect(health.body.data.pendingCount).toBeGreaterThanOrEqual(1);
    expect(health.body.data.activeHoldsCount).toBeGreaterThanOrEqual(1);
    expect(health.body.data.activeHoldsAmountCents.usd).toBeGreaterThanOrEqual(10_000);
    expect(health.body.data.providerStats).toContainEqual(
      expect.objectContaining({ providerId, providerName: 'Dr. Ana Ruiz, Family Medicine', pendingCount: expect.any(Number), expiredCount30d: 0 }),
    );
    expect(health.body.data.needsAdmin).toEqual({ count: expect.any(Number), oldestSince: null });
  });

  it('verifies RS256 tokens against an identity provider’s JWKS when configured, and refuses HS256 ones there', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };
    const jwks: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as { port: number }).port}/.well-known/jwks.json`;
    const gateway = await startService('gateway', portOf('gateway', 220), {
      BOOKING_SVC_URL: platform.url('booking-svc'),
      PAYMENT_SVC_URL: platform.url('payment-svc'),
      KAFKA_GROUP_ID: `gateway-jwks-${platform.suffix}`,
      JWT_JWKS_URL: jwksUrl,
    });
    try {
      const sign = (key: CryptoKey, alg: string, kid?: string) =>
        new SignJWT({ role: 'patient' })
          .setProtectedHeader({ alg, ...(kid ? { kid } : {}) })
          .setSubject(`patient-${randomUUID()}`)
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(key);
      const rs256 = await sign(privateKey, 'RS256', 'test-key-1');
      expect((await call('GET', '/api/bookings/patient', { base: gateway.url, token: rs256 })).status).toBe(200);
      expect((await call('GET', '/api/bookings/patient', { base: gateway.url, token: patientToken })).status).toBe(401); // HS256 is not accepted there
      const stranger = (await generateKeyPair('RS256')).privateKey;
      expect((await call('GET', '/api/bookings/patient', { base: gateway.url, token: await sign(stranger, 'RS256', 'test-key-1') })).status).toBe(401);
    } finally {
      await gateway.stop();
      await new Promise((resolve) => jwks.close(resolve));
    }
  }, 60_000);

  it('leaves no consumer group or dead-letter topic behind when a gateway replica stops', async () => {
    const instance = `probe-${randomUUID()}`;
    const group = `gateway-live-${instance}`;
    const admin = testKafka().admin();
    await admin.connect();
    try {
      const gateway = await startService('gateway', portOf('gateway', 230), {
        BOOKING_SVC_URL: platform.url('booking-svc'),
        PAYMENT_SVC_URL: platform.url('payment-svc'),
        GATEWAY_INSTANCE_ID: instance,
      });
      try {
        await waitFor(
          async () => (await admin.listGroups()).groups.some((g) => g.groupId === group),
          20_000,
          () => 'the replica’s live-stream group',
        );
      } finally {
        await gateway.stop();
      }
      expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain(group);
      expect(await admin.listTopics()).not.toContain(deadLetterTopicFor(group));
    } finally {
      await admin.disconnect();
    }
  }, 60_000);
});
