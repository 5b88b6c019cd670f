import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { type BookingStatusChanged, Topics } from '@bp/contracts';
import { buildMessage } from '@bp/messaging';
import { GoogleCalendarFake, GraphCalendarFake, devToken, holdPlaced, publish, publishMessage, testKafka, waitFor } from '@bp/testing';
import { createProvider, internalCall, slotStart } from './support/internal-api.js';
import { gatewayCall } from './support/gateway-client.js';
import { type TestPlatform, startPlatform } from './support/test-platform.js';
import { sendAndAwaitConsumed } from './support/consumed.js';

type Fake = GoogleCalendarFake | GraphCalendarFake;

/**
 * calendar-svc on the real platform against local servers that speak Google Calendar v3 / Google
 * OAuth and Microsoft Graph / the identity platform, through the real SDKs: connecting, sealed
 * tokens, instant mode, busy times in availability, event writes with refresh, 429 and the sync job,
 * revocation, and the fresh check before a request is confirmed.
 */
describe('calendar integrations', () => {
  let platform: TestPlatform;
  const google = new GoogleCalendarFake();
  const graph = new GraphCalendarFake();
  const producer: Producer = testKafka().producer();
  const admin = { type: 'admin' as const, id: 'calendar-test-admin' };

  beforeAll(async () => {
    const [googleUrl, graphUrl] = await Promise.all([google.start(), graph.start()]);
    const calendarEnv = {
      ...GoogleCalendarFake.calendarEnv(googleUrl),
      MICROSOFT_CLIENT_ID: 'test-microsoft-client',
      MICROSOFT_CLIENT_SECRET: 'test-microsoft-secret',
      MICROSOFT_AUTHORITY_URL: `${graphUrl}/common/oauth2/v2.0`,
      GRAPH_BASE_URL: graphUrl,
      CALENDAR_OAUTH_REDIRECT_URI: 'https://portal.example/calendar/callback',
      FREEBUSY_CACHE_TTL_MS: '0',
      CALENDAR_RETRY_BASE_MS: '50',
      CALENDAR_SYNC_RETRY_BASE_MS: '300',
    };
    platform = await startPlatform(['gateway', 'booking-svc', 'calendar-svc'], { portOffset: 300, env: { 'calendar-svc': calendarEnv } });
    await producer.connect();
  }, 120_000);

  afterAll(async () => {
    await producer.disconnect();
    await platform?.stop();
    await Promise.all([google.stop(), graph.stop()]);
  }, 60_000);

  const api = (token: string, method: string, path: string, body?: unknown) => gatewayCall(platform.url('gateway'), token, method, path, body);

  /** The provider's whole consent round trip: start, the calendar's redirect with a code, the callback. */
  async function connect(providerId: string, token: string, calendarProvider: 'google' | 'microsoft') {
    const started = await api(token, 'POST', `/api/providers/${providerId}/calendar/connect`, { calendarProvider });
    expect(started.status).toBe(201);
    const consent = await fetch(started.body.data.authorizationUrl, { redirect: 'manual' });
    const back = new URL(consent.headers.get('location')!);
    expect(back.origin + back.pathname).toBe('https://portal.example/calendar/callback');
    const callback = { state: back.searchParams.get('state')!, code: back.searchParams.get('code')! };
    const connected = await api(token, 'POST', `/api/providers/${providerId}/calendar/callback`, callback);
    return { connected, callback };
  }

  const mode = async (providerId: string) =>
    (await internalCall(platform.url('booking-svc'), 'GET', `/internal/providers/${providerId}`, admin)).body.data?.mode;

  async function reserveStatus(providerId: string, start: Date) {
    const patient = await devToken('patient', `patient-${randomUUID()}`);
    const answer = await api(patient, 'POST', '/api/bookings/reserve-slot', { providerId, serviceId: 'svc-consult', startTime: start.toISOString() });
    return { status: answer.status, reason: answer.body?.error?.details?.reason as string | undefined };
  }

  /**
   * Whether availability offers any slot overlapping [start, end): read-only, so polling it never
   * holds the slot the way a probing reservation would (a hold would answer every later probe with
   * a plain conflict instead of the calendar's refusal).
   */
  async function offeredDuring(providerId: string, start: Date, end: Date) {
    const day = (at: number) => new Date(at).toISOString().slice(0, 10);
    const patient = await devToken('patient', `patient-${randomUUID()}`);
    const range = `from=${day(start.getTime() - 86_400_000)}&to=${day(end.getTime() + 86_400_000)}`;
    const answer = await api(patient, 'GET', `/api/providers/${providerId}/availability?serviceId=svc-consult&${range}`);
    if (answer.status !== 200) throw new Error(`availability answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return (answer.body.data.slots as { start: string; end: string }[]).some((slot) => new Date(slot.start) < end && new Date(slot.end) > start);
  }

  let version = 10;
  /** booking-svc's event for a booking of `providerId` (a newer version each time unless given). */
  async function bookingEvent(bookingId: string, providerId: string, status: string, start: Date, eventVersion = ++version) {
    const payload: BookingStatusChanged = {
      bookingId,
      bookingNumber: `FH-20300101-${bookingId.slice(0, 5).toUpperCase()}`,
      patientId: 'patient-1',
      providerId,
      bookingType: 'instant',
      status,
      reason: status,
      startTime: start.toISOString(),
      endTime: new Date(start.getTime() + 30 * 60_000).toISOString(),
      providerTimezone: 'America/Denver',
      patientTimezone: 'UTC',
      priceCents: 10_000,
      currency: 'usd',
    };
    const message = buildMessage(Topics.bookingEvents, 'BookingStatusChanged', payload, { id: bookingId, version: eventVersion });
    await publishMessage(producer, message);
    return message;
  }

  const eventFor = (fake: Fake, bookingId: string) => [...fake.events.values()].find((e) => e.summary.includes(bookingId.slice(0, 5).toUpperCase()));
  const syncState = async (bookingId: string) =>
    (await internalCall(platform.url('calendar-svc'), 'GET', `/internal/calendar/bookings/${bookingId}/event`, admin)).body.data;

  it('connects a Google calendar by OAuth: tokens sealed at rest, instant booking, busy times kept out of availability, and a clean disconnect', async () => {
    const provider = await createProvider(platform.url('booking-svc'));
    const token = await devToken('provider', provider.id);
    const busyStart = slotStart(30);
    const busyEnd = new Date(busyStart.getTime() + 60 * 60_000);
    google.busyBlocks.push({ start: busyStart.toISOString(), end: busyEnd.toISOString() });
    expect(await offeredDuring(provider.id, busyStart, busyEnd)).toBe(true); // free until the calendar says otherwise

    const { connected, callback } = await connect(provider.id, token, 'google');
    expect(connected).toMatchObject({
      status: 201,
      body: { data: { providerId: provider.id, calendarProvider: 'google', status: 'connected', connected: true } },
    });
    expect(JSON.stringify(connected.body)).not.toMatch(/at-|rt-/); // no token ever leaves calendar-svc

    const stored = await platform.mongo
      .db(platform.database('calendar-svc'))
      .collection('connections')
      .findOne({ _id: provider.id as never });
    expect(stored?.['accessToken']).toMatch(/^v1\./);
    expect(JSON.stringify(stored)).not.toMatch(/"at-|"rt-/);

    // The same consent cannot be used twice, and nobody else may touch this calendar.
    expect((await api(token, 'POST', `/api/providers/${provider.id}/calendar/callback`, callback)).body.error.code).toBe('OAUTH_STATE_INVALID');
    expect((await api(await devToken('provider', 'someone-else'), 'GET', `/api/providers/${provider.id}/calendar`)).status).toBe(404);
    expect((await api(await devToken('patient', 'p'), 'GET', `/api/providers/${provider.id}/calendar`)).status).toBe(403);

    await waitFor(
      async () => (await mode(provider.id)) === 'instant',
      20_000,
      () => 'booking-svc to switch the provider to instant booking',
    );
    await waitFor(
      async () => !(await offeredDuring(provider.id, busyStart, busyEnd)),
      20_000,
      () => 'busy time in availability',
    );
    expect((await reserveStatus(provider.id, new Date(busyStart.getTime() + 15 * 60_000))).reason).toBe('calendar_busy');
    expect((await reserveStatus(provider.id, slotStart(34))).status).toBe(201); // a free hour stays bookable

    const disconnected = await api(token, 'DELETE', `/api/providers/${provider.id}/calendar`);
    expect(disconnected).toMatchObject({ status: 200, body: { data: { status: 'disconnected', connected: false } } });
    expect(google.count('POST', '/revoke')).toBeGreaterThanOrEqual(1);
    await waitFor(
      async () => (await mode(provider.id)) === 'request',
      20_000,
      () => 'request booking after the disconnect',
    );
    await waitFor(
      async () => (await reserveStatus(provider.id, new Date(busyStart.getTime() + 15 * 60_000))).status === 201,
      20_000,
      () => 'busy time gone',
    );
    google.busyBlocks.length = 0;
  }, 120_000);

  it('writes the booking to the Google calendar once, moves it with a refreshed token, and deletes it through a 429', async () => {
    const provider = await createProvider(platform.url('booking-svc'));
    expect((await connect(provider.id, await devToken('provider', provider.id), 'google')).connected.status).toBe(201);
    const bookingId = randomUUID();
    const start = slotStart(50);

    const confirmed = await bookingEvent(bookingId, provider.id, 'confirmed', start);
    const created = await waitFor(
      () => eventFor(google, bookingId),
      20_000,
      () => 'the calendar event',
    );
    expect(created).toMatchObject({ start: start.toISOString(), status: 'confirmed' });
    expect(created.summary).not.toContain('patient-1'); // no patient details on an outside calendar
    await sendAndAwaitConsumed(
      platform.url('calendar-svc'),
      { topic: Topics.bookingEvents, type: 'BookingStatusChanged' },
      async () => {
        await publishMessage(producer, confirmed); // redelivered
        await bookingEvent(bookingId, provider.id, 'confirmed', start, version); // same version again, new event id
      },
      2,
    );
    expect([...google.events.values()].filter((e) => e.id === created.id)).toHaveLength(1);
    expect(google.count('POST', '/calendar/v3/calendars/primary/events')).toBe(1);

    // The access token dies early: 401, one refresh, the move goes through.
    const refreshesBefore = google.count('POST', '/token');
    google.expireAccessTokens();
    const moved = slotStart(52);
    await bookingEvent(bookingId, provider.id, 'confirmed', moved);
    await waitFor(
      () => eventFor(google, bookingId)?.start === moved.toISOString(),
      20_000,
      () => 'the event moved',
    );
    expect(google.count('POST', '/token')).toBe(refreshesBefore + 1);

    // Rate limited once with Retry-After: 1 — waited for, then deleted.
    google.failNext(1, 'DELETE', '/calendar/v3/calendars/primary/events', 429, '1');
    await bookingEvent(bookingId, provider.id, 'cancelled_patient', moved);
    await waitFor(
      () => eventFor(google, bookingId)?.status === 'cancelled',
      20_000,
      () => 'the event deleted',
    );
    expect(google.count('DELETE', '/calendar/v3/calendars/primary/events')).toBe(2);
    expect(await syncState(bookingId)).toMatchObject({ status: 'deleted', calendarProvider: 'google', attempts: 0 });
  }, 120_000);

  it('marks a write the calendar keeps refusing as failed, and the sync job recovers it', async () => {
    const provider = await createProvider(platform.url('booking-svc'));
    expect((await connect(provider.id, await devToken('provider', provider.id), 'google')).connected.status).toBe(201);
    const bookingId = randomUUID();
    google.failNext(100, 'POST', '/calendar/v3/calendars/primary/events', 503);
    await bookingEvent(bookingId, provider.id, 'confirmed', slotStart(60));
    const failed = await waitFor(
      async () => {
        const state = await syncState(bookingId);
        return state?.status === 'failed' ? state : undefined;
      },
      20_000,
      () => 'the write marked failed',
    );
    expect(failed).toMatchObject({ attempts: 1, lastError: expect.stringContaining('Google Calendar'), nextAttemptAt: expect.any(String) });
    expect(eventFor(google, bookingId)).toBeUndefined();

    google.clearFailures(); // the calendar is back
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(failed.nextAttemptAt) - Date.now() + 1))); // the next attempt is due
    await publish(
      producer,
      Topics.calendarCommands,
      'RetryFailedCalendarSyncs',
      { runId: `calendar-sync:${randomUUID()}`, scheduledFor: new Date().toISOString() },
      'calendar-sync',
    );
    await waitFor(
      async () => (await syncState(bookingId))?.status === 'synced',
      20_000,
      () => 'the sync job to write the event',
    );
    expect(eventFor(google, bookingId)).toMatchObject({ status: 'confirmed' });
  }, 120_000);

  it('connects a Microsoft calendar through Graph: getSchedule busy times, events by transactionId, and a revoked grant drops the provider to request booking', async () => {
    const provider = await createProvider(platform.url('booking-svc'));
    const token = await devToken('provider', provider.id);
    const busyStart = slotStart(70);
    const busyEnd = new Date(busyStart.getTime() + 60 * 60_000);
    graph.busyBlocks.push({ start: busyStart.toISOString(), end: busyEnd.toISOString() });
    expect(await offeredDuring(provider.id, busyStart, busyEnd)).toBe(true);
    const { connected } = await connect(provider.id, token, 'microsoft');
    expect(connected).toMatchObject({ status: 201, body: { data: { calendarProvider: 'microsoft', accountEmail: graph.mailbox } } });
    await waitFor(
      async () => !(await offeredDuring(provider.id, busyStart, busyEnd)),
      20_000,
      () => 'Graph busy time in availability',
    );
    expect((await reserveStatus(provider.id, new Date(busyStart.getTime() + 30 * 60_000))).reason).toBe('calendar_busy');

    const bookingId = randomUUID();
    await bookingEvent(bookingId, provider.id, 'confirmed', slotStart(74));
    const created = await waitFor(
      () => eventFor(graph, bookingId),
      20_000,
      () => 'the Graph event',
    );
    expect(created.transactionId).toMatch(/^[0-9a-f]{40}$/);

    graph.revokeAll(); // the provider removed our app in their Microsoft account
    await bookingEvent(bookingId, provider.id, 'confirmed', slotStart(76));
    await waitFor(
      async () => (await api(token, 'GET', `/api/providers/${provider.id}/calendar`)).body.data?.status === 'reauthorization_required',
      20_000,
      () => 'reauthorization required',
    );
    await waitFor(
      async () => (await mode(provider.id)) === 'request',
      20_000,
      () => 'request booking until reconnected',
    );
    expect(await syncState(bookingId)).toMatchObject({ status: 'not_applicable', lastError: 'CALENDAR_REAUTHORIZATION_REQUIRED' });
    graph.busyBlocks.length = 0;
  }, 120_000);

  it('keeps no event for a booking of a provider without a calendar, and shows it from its next change once one is connected', async () => {
    const provider = await createProvider(platform.url('booking-svc'));
    const bookingId = randomUUID();
    const start = slotStart(84);
    // Handled without writing anything: there is nothing to show it on.
    await sendAndAwaitConsumed(platform.url('calendar-svc'), { topic: Topics.bookingEvents, type: 'BookingStatusChanged' }, () =>
      bookingEvent(bookingId, provider.id, 'confirmed', start),
    );
    const mappings = platform.mongo.db(platform.database('calendar-svc')).collection('event_mappings');
    expect(await mappings.countDocuments({ _id: bookingId as never })).toBe(0);
    expect((await internalCall(platform.url('calendar-svc'), 'GET', `/internal/calendar/bookings/${bookingId}/event`, admin)).status).toBe(404);

    expect((await connect(provider.id, await devToken('provider', provider.id), 'google')).connected.status).toBe(201);
    await bookingEvent(bookingId, provider.id, 'checked_in', start);
    await waitFor(
      async () => (await syncState(bookingId))?.status === 'synced',
      20_000,
      () => 'the event written once the calendar is connected',
    );
    expect(eventFor(google, bookingId)).toBeDefined();
  }, 120_000);

  it('looks at the calendar afresh before a request is confirmed (and its hold captured): a clash is refused, a free slot confirms', async () => {
    const provider = await createProvider(platform.url('booking-svc'));
    const providerToken = await devToken('provider', provider.id);
    const patient = await devToken('patient', `patient-${randomUUID()}`);
    const start = slotStart(80);
    const reservation = await api(patient, 'POST', '/api/bookings/reserve-slot', {
      providerId: provider.id,
      serviceId: 'svc-consult',
      startTime: start.toISOString(),
    });
    const booking = await api(patient, 'POST', '/api/bookings', { reservationId: reservation.body.data.id, patientTimezone: 'UTC' });
    expect(booking.body.data).toMatchObject({ bookingType: 'request', status: 'pending_payment' });
    await holdPlaced(producer, booking.body.data.id);
    await waitFor(
      async () => (await api(patient, 'GET', `/api/bookings/${booking.body.data.id}`)).body.data?.status === 'pending_confirmation',
      20_000,
      () => 'pending',
    );

    // The provider connects a calendar while the request waits, and has booked something else there meanwhile.
    expect((await connect(provider.id, providerToken, 'google')).connected.status).toBe(201);
    await waitFor(
      async () => (await mode(provider.id)) === 'instant',
      20_000,
      () => 'instant mode',
    );
    google.busyBlocks.push({ start: start.toISOString(), end: new Date(start.getTime() + 20 * 60_000).toISOString() });
    const refused = await api(providerToken, 'POST', `/api/bookings/${booking.body.data.id}/confirm`);
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'SLOT_UNAVAILABLE', details: { reason: 'calendar_busy' } } } });
    expect((await api(patient, 'GET', `/api/bookings/${booking.body.data.id}`)).body.data.status).toBe('pending_confirmation');

    google.busyBlocks.length = 0; // the clash is moved away
    const confirmed = await api(providerToken, 'POST', `/api/bookings/${booking.body.data.id}/confirm`);
    expect(confirmed.status).toBe(200);
  }, 120_000);
});
