import { randomUUID } from 'node:crypto';
import { devToken, waitFor } from '@bp/testing';
import { ROUND_THE_CLOCK, internalHeaders, slotStart } from './support/internal-api.js';
import { type TestPlatform, startPlatform } from './support/test-platform.js';

type Who = 'patientA' | 'patientB' | 'providerX' | 'providerY' | 'admin' | 'anonymous';
const EVERYONE: Who[] = ['patientA', 'patientB', 'providerX', 'providerY', 'admin', 'anonymous'];

interface Route {
  name: string;
  method: string;
  path: (ids: Ids) => string;
  body?: (ids: Ids) => unknown;
  /** The exact status each caller gets on the probe booking (patient A's pending request with provider X). */
  expect: Record<Who, number>;
}
interface Ids {
  booking: string;
  providerX: string;
  providerY: string;
}

/** Who may do what through the public API: every route × six callers, on the real gateway, booking-svc and payment-svc. */
describe('gateway authorization matrix', () => {
  let platform: TestPlatform;
  const users: Record<Exclude<Who, 'anonymous'>, { role: 'patient' | 'provider' | 'admin'; id: string }> = {
    patientA: { role: 'patient', id: `patient-a-${randomUUID()}` },
    patientB: { role: 'patient', id: `patient-b-${randomUUID()}` },
    providerX: { role: 'provider', id: `provider-x-${randomUUID()}` },
    providerY: { role: 'provider', id: `provider-y-${randomUUID()}` },
    admin: { role: 'admin', id: `admin-${randomUUID()}` },
  };
  const tokens = {} as Record<Who, string | undefined>;
  let ids: Ids;

  async function call(who: Who, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${platform.url('gateway')}${path}`, {
      method,
      headers: {
        ...(tokens[who] ? { authorization: `Bearer ${tokens[who]}` } : {}),
        ...(method === 'GET' ? {} : { 'x-idempotency-key': `k-${randomUUID()}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json().catch(() => null)) as any };
  }

  async function requestBooking(patient: Who, hoursAhead: number): Promise<string> {
    const reservation = await call(patient, 'POST', '/api/bookings/reserve-slot', {
      providerId: ids.providerX,
      serviceId: 'svc-consult',
      startTime: slotStart(hoursAhead).toISOString(),
    });
    expect(reservation.status).toBe(201);
    const booking = await call(patient, 'POST', '/api/bookings', { reservationId: reservation.body.data.id, patientTimezone: 'UTC' });
    expect(booking.status).toBe(201);
    const id = booking.body.data.id as string;
    await waitFor(
      async () => (await call(patient, 'GET', `/api/bookings/${id}`)).body?.data?.status === 'pending_confirmation',
      20_000,
      () => `booking ${id} pending confirmation`,
    );
    return id;
  }

  beforeAll(async () => {
    platform = await startPlatform(['gateway', 'booking-svc', 'payment-svc', 'calendar-svc', 'notification-svc'], {
      portOffset: 180,
      env: { 'calendar-svc': { GOOGLE_CLIENT_ID: 'matrix-google-client', GOOGLE_CLIENT_SECRET: 'matrix-google-secret' } },
    });
    for (const [who, user] of Object.entries(users)) tokens[who as Who] = await devToken(user.role, user.id);
    tokens.anonymous = undefined;
    for (const provider of ['providerX', 'providerY'] as const) {
      const created = await call('admin', 'PUT', `/api/providers/${users[provider].id}`, {
        timezone: 'America/Denver',
        services: [{ id: 'svc-consult', name: 'Consultation', category: 'general', durationMinutes: 30, priceCents: 10_000 }],
        weeklyHours: ROUND_THE_CLOCK,
        overrides: [],
        settings: { minimumNoticeHours: 1, bufferMinutes: 15 },
      });
      expect(created.status).toBe(201);
    }
    ids = { booking: '', providerX: users.providerX.id, providerY: users.providerY.id };
    ids.booking = await requestBooking('patientA', 30);
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
  }, 60_000);

  const forBooking = (a: number, b: number, x: number, y: number, admin: number): Record<Who, number> => ({
    patientA: a,
    patientB: b,
    providerX: x,
    providerY: y,
    admin,
    anonymous: 401,
  });
  const day = () => new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);

  const routes: Route[] = [
    { name: 'get booking', method: 'GET', path: (i) => `/api/bookings/${i.booking}`, expect: forBooking(200, 404, 200, 404, 200) },
    { name: 'patient list', method: 'GET', path: () => '/api/bookings/patient', expect: forBooking(200, 200, 403, 403, 403) },
    { name: 'provider list', method: 'GET', path: () => '/api/bookings/provider', expect: forBooking(403, 403, 200, 200, 403) },
    { name: 'provider pending', method: 'GET', path: () => '/api/bookings/provider/pending', expect: forBooking(403, 403, 200, 200, 403) },
    // Provider actions: a patient or admin is the wrong role (403), the other provider learns nothing (404).
    // Provider X may check in only a confirmed booking: 409 on this pending request, and nothing changes.
    ...(['check-in', 'start', 'complete', 'no-show'] as const).map((action) => ({
      name: action,
      method: 'POST',
      path: (i: Ids) => `/api/bookings/${i.booking}/${action}`,
      expect: forBooking(403, 403, 409, 404, 403),
    })),
    { name: 'confirm (denied)', method: 'POST', path: (i) => `/api/bookings/${i.booking}/confirm`, expect: forBooking(403, 403, 200, 404, 403) },
    // Patient actions on a booking with no reschedule proposed: A gets 409 (wrong state), B 404, others 403.
    ...(['accept-reschedule', 'decline-reschedule', 'retry-payment'] as const).map((action) => ({
      name: action,
      method: 'POST',
      path: (i: Ids) => `/api/bookings/${i.booking}/${action}`,
      expect: forBooking(409, 404, 403, 403, 403),
    })),
    { name: 'admin health', method: 'GET', path: () => '/api/admin/bookings/health', expect: forBooking(403, 403, 403, 403, 200) },
    { name: 'admin list', method: 'GET', path: () => '/api/admin/bookings', expect: forBooking(403, 403, 403, 403, 200) },
    { name: 'admin booking', method: 'GET', path: (i) => `/api/admin/bookings/${i.booking}`, expect: forBooking(403, 403, 403, 403, 200) },
    // The hold is not captured yet: even an admin's refund is refused by payment-svc (409).
    {
      name: 'admin refund',
      method: 'POST',
      path: (i) => `/api/admin/bookings/${i.booking}/refund`,
      body: () => ({ reason: 'r' }),
      expect: forBooking(403, 403, 403, 403, 409),
    },
    { name: 'notification preferences', method: 'GET', path: () => '/api/notifications/preferences', expect: forBooking(200, 200, 200, 200, 403) },
    {
      name: 'change notification preferences',
      method: 'PUT',
      path: () => '/api/notifications/preferences',
      body: () => ({ locale: 'en' }),
      expect: forBooking(200, 200, 200, 200, 403),
    },
    // Nobody here has a phone: the caller's own contact is the only one a call can reach (404 CONTACT_NOT_SET).
    {
      name: 'verify a contact',
      method: 'POST',
      path: () => '/api/notifications/contacts/verify',
      body: () => ({ channel: 'sms', code: '123456' }),
      expect: forBooking(404, 404, 404, 404, 403),
    },
    {
      name: 'resend a contact code',
      method: 'POST',
      path: () => '/api/notifications/contacts/resend',
      body: () => ({ channel: 'sms' }),
      expect: forBooking(404, 404, 404, 404, 403),
    },
    {
      name: 'register a push device',
      method: 'POST',
      path: () => '/api/notifications/devices',
      body: () => ({ token: 'fcm-token-authorization-matrix', platform: 'ios' }),
      expect: forBooking(201, 201, 201, 201, 403),
    },
    {
      name: 'unregister a push device',
      method: 'DELETE',
      path: () => '/api/notifications/devices/fcm-token-authorization-matrix',
      expect: forBooking(200, 200, 200, 200, 403),
    },
    {
      name: 'admin booking notifications',
      method: 'GET',
      path: (i) => `/api/admin/bookings/${i.booking}/notifications`,
      expect: forBooking(403, 403, 403, 403, 200),
    },
    { name: 'feature flags', method: 'GET', path: () => '/api/admin/feature-flags', expect: forBooking(403, 403, 403, 403, 200) },
    {
      name: 'availability',
      method: 'GET',
      path: (i) => `/api/providers/${i.providerX}/availability?serviceId=svc-consult&from=${day()}&to=${day()}`,
      expect: forBooking(200, 200, 200, 200, 200),
    },
    { name: 'profile', method: 'GET', path: (i) => `/api/providers/${i.providerX}/profile`, expect: forBooking(200, 200, 200, 200, 200) },
    { name: 'provider record', method: 'GET', path: (i) => `/api/providers/${i.providerX}`, expect: forBooking(403, 403, 200, 404, 200) },
    {
      name: 'provider settings',
      method: 'PATCH',
      path: (i) => `/api/providers/${i.providerX}/settings`,
      body: () => ({ confirmationDeadlineHours: 24 }),
      expect: forBooking(403, 403, 200, 403, 200),
    },
    { name: 'payout account', method: 'GET', path: (i) => `/api/providers/${i.providerX}/payout-account`, expect: forBooking(403, 403, 404, 404, 404) },
    // Provider X's calendar: not connected (404 to X and admins), another provider learns nothing (404), patients are the wrong role.
    { name: 'calendar status', method: 'GET', path: (i) => `/api/providers/${i.providerX}/calendar`, expect: forBooking(403, 403, 404, 404, 404) },
    {
      name: 'calendar connect',
      method: 'POST',
      path: (i) => `/api/providers/${i.providerX}/calendar/connect`,
      body: () => ({ calendarProvider: 'google' }),
      expect: forBooking(403, 403, 201, 404, 201),
    },
    {
      name: 'calendar callback',
      method: 'POST',
      path: (i) => `/api/providers/${i.providerX}/calendar/callback`,
      body: () => ({ state: 'not-a-state', code: 'not-a-code' }),
      expect: forBooking(403, 403, 400, 404, 400),
    },
    {
      name: 'admin calendar event',
      method: 'GET',
      path: (i) => `/api/admin/bookings/${i.booking}/calendar-event`,
      expect: forBooking(403, 403, 403, 403, 404),
    },
    { name: 'calendar disconnect', method: 'DELETE', path: (i) => `/api/providers/${i.providerX}/calendar`, expect: forBooking(403, 403, 404, 404, 404) },
  ];

  it.each(routes.map((route) => [route.name, route] as const))(
    '%s answers each caller with the expected status',
    async (_name, route) => {
      const seen: Record<string, number> = {};
      // The allowed callers last, so a denied call could not have been helped by an allowed one's change.
      const order = [...EVERYONE].sort((a, b) => Number(route.expect[a] < 300) - Number(route.expect[b] < 300));
      for (const who of order) {
        if (route.name === 'confirm (denied)' && who === 'providerX') continue; // confirming changes the booking: below
        seen[who] = (await call(who, route.method, route.path(ids), route.body?.(ids))).status;
      }
      const expected = { ...route.expect };
      if (route.name === 'confirm (denied)') delete (expected as Partial<Record<Who, number>>).providerX;
      expect(seen).toEqual(expected);
    },
    60_000,
  );

  it('lets each party do its own mutating actions, and only those', async () => {
    const booking = await requestBooking('patientA', 40);
    expect((await call('providerY', 'POST', `/api/bookings/${booking}/cancel`, {})).status).toBe(404);
    expect((await call('patientB', 'POST', `/api/bookings/${booking}/cancel`, {})).status).toBe(404);
    expect((await call('admin', 'POST', `/api/bookings/${booking}/cancel`, {})).status).toBe(403);
    expect((await call('providerX', 'POST', `/api/bookings/${booking}/confirm`)).status).toBe(200);

    const declined = await requestBooking('patientA', 44);
    expect((await call('patientA', 'POST', `/api/bookings/${declined}/decline`, {})).status).toBe(403);
    expect((await call('providerX', 'POST', `/api/bookings/${declined}/decline`, { reason: 'fully booked' })).status).toBe(200);

    const cancelled = await requestBooking('patientA', 48);
    expect((await call('patientA', 'POST', `/api/bookings/${cancelled}/cancel`, { reason: 'changed plans' })).status).toBe(200);

    const overridden = await requestBooking('patientA', 52);
    expect((await call('providerX', 'POST', `/api/admin/bookings/${overridden}/override`, { status: 'cancelled_admin', reason: 'x' })).status).toBe(403);
    const override = await call('admin', 'POST', `/api/admin/bookings/${overridden}/override`, { status: 'cancelled_admin', reason: 'duplicate' });
    expect(override).toMatchObject({ status: 200, body: { data: { status: 'cancelled_admin' } } });
    const audit = await call('admin', 'GET', `/api/admin/bookings/${overridden}`);
    expect(audit.body.data.audit.map((e: any) => e.eventType)).toContain('admin_override');
  }, 120_000);

  it('refuses mass assignment of fields a caller does not own', async () => {
    const reservation = await call('patientA', 'POST', '/api/bookings/reserve-slot', {
      providerId: ids.providerX,
      serviceId: 'svc-consult',
      startTime: slotStart(60).toISOString(),
      patientId: users.patientB.id,
    });
    expect(reservation).toMatchObject({ status: 400, body: { success: false, error: { code: expect.any(String) } } });
    const ok = await call('patientA', 'POST', '/api/bookings/reserve-slot', {
      providerId: ids.providerX,
      serviceId: 'svc-consult',
      startTime: slotStart(60).toISOString(),
    });
    for (const field of [{ status: 'confirmed' }, { priceCents: 1 }, { providerId: ids.providerY }]) {
      const booking = await call('patientA', 'POST', '/api/bookings', { reservationId: ok.body.data.id, patientTimezone: 'UTC', ...field });
      expect(booking.status).toBe(400);
    }
  }, 60_000);

  it('serves nothing under /internal on its public port, however the path is spelt, even with the internal token', async () => {
    for (const path of ['/internal/feature-flags', '/%69nternal/feature-flags', '/internal/bookings/health', '//internal/feature-flags']) {
      // A token as good as the gateway's own, signed for the gateway itself: still nothing there.
      const internal = await internalHeaders(platform.url('gateway'), 'GET', path, { type: 'admin', id: 'admin-1' });
      expect({ path, status: (await call('admin', 'GET', path, undefined, internal)).status }).toEqual({ path, status: 404 });
    }
  });
});
