import { randomUUID } from 'node:crypto';
import { type RunningService, devToken, startService, subscribeSse } from '@bp/testing';
import { gatewayCall } from './support/gateway-client.js';
import { ROUND_THE_CLOCK, slotStart } from './support/internal-api.js';
import { type LiveMessage, type LiveSocket, openLiveSocket, upgradeAnswer } from './support/live-socket.js';
import { type TestPlatform, portOf, startPlatform } from './support/test-platform.js';

/** Heartbeats (and pings) every second, so the waits below are short. */
const HEARTBEAT_MS = 1000;

/**
 * The gateway's WebSocket of live booking updates on real processes (gateway, booking-svc,
 * payment-svc on stripe-mock, Kafka): a request booking made through the public API reaches its
 * provider's socket as the spec's messages, cut to what they may see, and nobody else's; the
 * socket's authentication, expiry, limits and failure handling as docs/gateway-api.md describes.
 */
describe('live booking updates over a WebSocket', () => {
  let platform: TestPlatform;
  let limited: RunningService;
  let gateway: string;
  const providerId = `provider-${randomUUID()}`;
  const sockets: LiveSocket[] = [];

  /** A socket closed at the end of the test whatever happens. */
  const open = (...args: Parameters<typeof openLiveSocket>) => {
    const socket = openLiveSocket(...args);
    sockets.push(socket);
    return socket;
  };
  const ready = (socket: LiveSocket) => socket.next((m) => m.type === 'READY', 'READY');
  const about = (id: string) => (m: LiveMessage) => m.bookingId === id || JSON.stringify(m.data ?? {}).includes(id);

  beforeAll(async () => {
    platform = await startPlatform(['gateway', 'booking-svc', 'payment-svc'], {
      portOffset: 700,
      env: { gateway: { SSE_HEARTBEAT_MS: String(HEARTBEAT_MS) } },
    });
    gateway = platform.url('gateway');
    const created = await gatewayCall(gateway, await devToken('admin', `admin-${randomUUID()}`), 'PUT', `/api/providers/${providerId}`, {
      timezone: 'America/Denver',
      services: [{ id: 'svc-consult', name: 'Consultation', category: 'general', durationMinutes: 30, priceCents: 10_000 }],
      weeklyHours: ROUND_THE_CLOCK,
      overrides: [],
      settings: { minimumNoticeHours: 1, bufferMinutes: 15 },
    });
    expect(created.status).toBe(201); // no calendar: request booking
    // A second replica with a tight per-address limit (counted in the same Redis as the first).
    limited = await startService('gateway', portOf('gateway', 710), {
      BOOKING_SVC_URL: platform.url('booking-svc'),
      KAFKA_GROUP_ID: `gateway-limited-${platform.suffix}`,
      RATE_LIMIT_PER_IP_PER_MINUTE: '3',
    });
  }, 180_000);

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  afterAll(async () => {
    await limited?.stop();
    await platform?.stop();
  }, 60_000);

  it('tells the provider of a new request and its confirmation, cut to what they may see, nobody else, and replays what a reconnecting socket missed', async () => {
    const patientId = `patient-${randomUUID()}`;
    const patient = await devToken('patient', patientId);
    const provider = await devToken('provider', providerId);
    // A page the gateway itself serves connects from the gateway's origin.
    const providerSocket = open(gateway, { auth: { token: provider }, headers: { origin: gateway } });
    const providerPhone = open(gateway, { auth: { token: provider } });
    const patientSocket = open(gateway, { auth: { token: patient } });
    const otherProvider = open(gateway, { auth: { token: await devToken('provider', `provider-${randomUUID()}`) } });
    const otherPatient = open(gateway, { auth: { token: await devToken('patient', `patient-${randomUUID()}`) } });
    for (const socket of [providerSocket, providerPhone, patientSocket, otherProvider, otherPatient])
      expect(await ready(socket)).toEqual({ type: 'READY', resumed: false });

    const reservation = await gatewayCall(gateway, patient, 'POST', '/api/bookings/reserve-slot', {
      providerId,
      serviceId: 'svc-consult',
      startTime: slotStart(30).toISOString(),
    });
    expect(reservation.status).toBe(201);
    const reservationId: string = reservation.body.data.id;
    const created = await gatewayCall(gateway, patient, 'POST', '/api/bookings', { reservationId, patientTimezone: 'UTC' });
    expect(created.status).toBe(201);
    const bookingId: string = created.body.data.id;

    // The reservation reaches the provider without who holds it.
    const reserved = await providerSocket.next((m) => m.event === 'SlotReserved' && m.bookingId === reservationId, 'the reservation');
    expect(reserved).toMatchObject({ type: 'BOOKING_UPDATED', data: { reservationId, providerId } });
    expect(reserved.data).not.toHaveProperty('patientId');
    expect(await patientSocket.next((m) => m.event === 'SlotReserved' && m.bookingId === reservationId, 'the patient’s reservation')).toMatchObject({
      data: { patientId },
    });

    // The card is held: the request is the provider's to answer.
    const request = await providerSocket.next((m) => m.type === 'NEW_BOOKING_REQUEST' && m.bookingId === bookingId, 'the new request', 30_000);
    expect(request).toEqual({
      type: 'NEW_BOOKING_REQUEST',
      id: expect.any(String),
      event: 'BookingStatusChanged',
      bookingId,
      occurredAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      data: expect.objectContaining({ bookingId, providerId, patientId, bookingType: 'request', status: 'pending_confirmation', reason: 'payment_held' }),
    });
    expect(request.data).not.toHaveProperty('paymentAction');
    const seenOnPhone = await providerPhone.next((m) => m.id === request.id, 'the request on the provider’s second socket');
    providerPhone.close(); // the phone goes to the background

    expect((await gatewayCall(gateway, provider, 'POST', `/api/bookings/${bookingId}/confirm`, {})).status).toBe(200);
    const confirmed = await providerSocket.next((m) => m.type === 'BOOKING_CONFIRMED' && m.bookingId === bookingId, 'the confirmation', 30_000);
    expect(confirmed.data).toMatchObject({ bookingId, status: 'confirmed' });
    await patientSocket.next((m) => m.type === 'BOOKING_CONFIRMED' && m.bookingId === bookingId, 'the patient’s confirmation');

    // Back: what happened meanwhile comes first, from after the last update the phone had.
    const resumed = open(gateway, { auth: { token: provider, resumeAfter: seenOnPhone.id! } });
    expect(await ready(resumed)).toEqual({ type: 'READY', resumed: true });
    expect(await resumed.next((m) => m.type === 'BOOKING_CONFIRMED' && m.bookingId === bookingId, 'the confirmation replayed')).toMatchObject({
      id: confirmed.id,
    });
    expect(resumed.messages.filter((m) => m.type === 'RESYNC' || m.id === request.id)).toEqual([]);

    // Others were told nothing: a heartbeat sent after the confirmation went out comes after anything sent with it.
    const after = new Date().toISOString();
    for (const other of [otherProvider, otherPatient]) {
      await other.next((m) => m.type === 'HEARTBEAT' && m.at! > after, 'a later heartbeat');
      expect(other.messages.filter((m) => about(bookingId)(m) || about(reservationId)(m))).toEqual([]);
    }
  }, 90_000);

  it('asks a client to reload when it cannot resume, and refuses a bad, missing or late token with 4401 and another user’s token with 4403', async () => {
    const someone = await devToken('patient', `patient-${randomUUID()}`);
    const lost = open(gateway, { auth: { token: someone, resumeAfter: randomUUID() } });
    await lost.next((m) => m.type === 'RESYNC', 'RESYNC');
    expect(lost.messages.slice(0, 2)).toEqual([{ type: 'READY', resumed: false }, { type: 'RESYNC' }]);

    const forged = await devToken('patient', 'patient-1', 'not-the-gateway-secret-but-just-as-long');
    const badToken = open(gateway, { auth: { token: forged } });
    expect(await badToken.closed).toEqual({ code: 4401, reason: expect.any(String) });
    const silent = open(gateway);
    expect(await silent.closed).toEqual({ code: 4401, reason: expect.stringContaining('AUTH') });

    const switched = open(gateway, { auth: { token: someone } });
    await ready(switched);
    switched.send({ type: 'AUTH', token: await devToken('patient', `patient-${randomUUID()}`) });
    expect(await switched.closed).toEqual({ code: 4403, reason: expect.any(String) });
    expect(badToken.messages.concat(silent.messages)).toEqual([]);
  }, 30_000);

  it('ends a socket at its token’s expiry with TOKEN_EXPIRED and 4401, unless the client sent a fresh token of the same user', async () => {
    const patientId = `patient-${randomUUID()}`;
    const expiresAt = Math.floor(Date.now() / 1000) + 3;
    const shortLived = await devToken('patient', patientId, undefined, { exp: expiresAt });

    const expiring = open(gateway, { auth: { token: shortLived } });
    const extended = open(gateway, { auth: { token: shortLived } });
    await Promise.all([ready(expiring), ready(extended)]);
    extended.send({ type: 'AUTH', token: await devToken('patient', patientId) });

    expect(await expiring.closed).toEqual({ code: 4401, reason: expect.any(String) });
    expect(expiring.messages.at(-1)).toEqual({ type: 'TOKEN_EXPIRED' });
    const pastExpiry = new Date((expiresAt + 2) * 1000).toISOString();
    await extended.next((m) => m.type === 'HEARTBEAT' && m.at! > pastExpiry, 'a heartbeat past the first token’s expiry', 15_000);
    expect(extended.messages.filter((m) => m.type === 'TOKEN_EXPIRED')).toEqual([]);
  }, 30_000);

  it('holds at most five live connections per user, SSE streams and sockets counted together: 4429 beyond', async () => {
    const userId = `provider-${randomUUID()}`;
    const token = await devToken('provider', userId);
    const stream = subscribeSse(`${gateway}/api/bookings/events`, { authorization: `Bearer ${token}` });
    try {
      await stream.opened;
      const four = Array.from({ length: 4 }, () => open(gateway, { auth: { token } }));
      await Promise.all(four.map(ready));
      const metrics = await (await fetch(`${gateway}/metrics`)).text();
      const connections = (transport: string) =>
        Number(metrics.match(new RegExp(`^gateway_live_connections\\{[^}]*transport="${transport}"[^}]*\\} (\\d+)`, 'm'))?.[1]);
      expect(connections('websocket')).toBeGreaterThanOrEqual(4);
      expect(connections('sse')).toBeGreaterThanOrEqual(1);
      const sixth = open(gateway, { auth: { token } });
      expect(await sixth.closed).toEqual({ code: 4429, reason: expect.any(String) });
      // Another user is not held back by it.
      await ready(open(gateway, { auth: { token: await devToken('provider', `provider-${randomUUID()}`) } }));

      four[0]!.close();
      await four[0]!.closed;
      const again = await waitForPlace(token);
      expect(again.messages[0]).toEqual({ type: 'READY', resumed: false });
    } finally {
      stream.close();
    }
  }, 30_000);

  /** A socket opened once the user has a free place again (the server sees the close a moment after the client). */
  async function waitForPlace(token: string): Promise<LiveSocket> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const socket = open(gateway, { auth: { token } });
      const outcome = await Promise.race([ready(socket).then(() => 'ready' as const), socket.closed.then(() => 'closed' as const)]);
      if (outcome === 'ready') return socket;
    }
    throw new Error('no free place after a socket closed');
  }

  it('closes a socket on a malformed (1008) or oversized (1009) message, drops one that stops answering pings, and goes on serving', async () => {
    const token = await devToken('patient', `patient-${randomUUID()}`);
    const malformed = open(gateway);
    malformed.send('{"type":"AUTH","token":');
    expect((await malformed.closed).code).toBe(1008);
    const unexpected = open(gateway, { auth: { token } });
    await ready(unexpected);
    unexpected.send({ type: 'SUBSCRIBE', providerId });
    expect((await unexpected.closed).code).toBe(1008);
    const oversized = open(gateway);
    oversized.send({ type: 'AUTH', token: 'x'.repeat(64 * 1024) });
    expect((await oversized.closed).code).toBe(1009);

    const frozen = open(gateway, { auth: { token }, autoPong: false });
    await ready(frozen);
    expect((await frozen.closed).code).toBe(1006); // cut without a close frame, within two ping intervals

    expect(await ready(open(gateway, { auth: { token } }))).toEqual({ type: 'READY', resumed: false });
    expect((await fetch(`${gateway}/health/ready`)).status).toBe(200);
  }, 30_000);

  it('answers a plain GET 426, and counts the upgrade request against the rate limits: over them it is refused 429 and no socket opens', async () => {
    const plain = await fetch(`${gateway}/api/live/ws`);
    expect(plain.status).toBe(426);
    expect(((await plain.json()) as any).error.code).toBe('WEBSOCKET_UPGRADE_REQUIRED');

    // Three upgrades a minute from this address on the limited replica (the count is shared through Redis, so it may be spent already).
    const answers: Awaited<ReturnType<typeof upgradeAnswer>>[] = [];
    for (let attempt = 0; attempt < 10 && !answers.some((a) => a.status === 429); attempt++) answers.push(await upgradeAnswer(limited.url));
    const refused = answers.find((a) => a.status === 429);
    expect(refused).toEqual({
      status: 429,
      retryAfter: expect.stringMatching(/^\d+$/),
      body: expect.objectContaining({ error: expect.objectContaining({ code: 'RATE_LIMITED' }) }),
    });
    expect(answers.every((a) => a.status === 101 || a.status === 429)).toBe(true);
  }, 30_000);

  it('closes every socket with 1012 when the replica shuts down', async () => {
    const socket = open(gateway, { auth: { token: await devToken('admin', `admin-${randomUUID()}`) } });
    await ready(socket);
    const exitCode = platform.services.gateway!.stop('SIGTERM');
    expect(await socket.closed).toEqual({ code: 1012, reason: expect.any(String) });
    expect(await exitCode).toBe(0);
  }, 30_000);
});
