import { randomUUID } from 'node:crypto';
import { Topics } from '@bp/contracts';
import { devToken, publish, testKafka, waitFor } from '@bp/testing';
import { createProvider, slotStart } from './support/internal-api.js';
import { gatewayCall } from './support/gateway-client.js';
import { type TestPlatform, startPlatform } from './support/test-platform.js';

/**
 * The spec's booking-mode flags, set through the admin API and obeyed by booking-svc within
 * seconds: the request-mode rollout by provider id with an override, and instant booking switched
 * off (calendar providers fall back to request booking). Flags are platform-wide, so every test puts
 * them back to their defaults.
 */
describe('booking-mode feature flags', () => {
  let platform: TestPlatform;
  let admin: string;
  const producer = testKafka().producer();

  beforeAll(async () => {
    platform = await startPlatform(['gateway', 'booking-svc'], { portOffset: 380 });
    admin = await devToken('admin', `admin-${randomUUID()}`);
    await producer.connect();
  }, 120_000);

  afterAll(async () => {
    await producer.disconnect();
    await platform?.stop();
  }, 60_000);

  const api = (token: string, method: string, path: string, body?: unknown) => gatewayCall(platform.url('gateway'), token, method, path, body);
  const setFlag = async (name: string, body: unknown) => expect((await api(admin, 'PUT', `/api/admin/feature-flags/${name}`, body)).status).toBe(200);
  const profile = async (providerId: string) => (await api(admin, 'GET', `/api/providers/${providerId}/profile`)).body.data;
  const reserve = async (providerId: string, hoursAhead: number) =>
    api(await devToken('patient', `patient-${randomUUID()}`), 'POST', '/api/bookings/reserve-slot', {
      providerId,
      serviceId: 'svc-consult',
      startTime: slotStart(hoursAhead).toISOString(),
    });

  it('rolls request booking out to a percentage of providers, with a provider override, and refuses the others clearly', async () => {
    const left = await createProvider(platform.url('booking-svc'));
    const overridden = await createProvider(platform.url('booking-svc'));
    try {
      await setFlag('booking.request_mode_percentage', { percentage: 0, providerOverrides: { [overridden.id]: true } });
      await waitFor(
        async () => (await profile(left.id))?.bookable === false,
        10_000,
        () => 'the rollout to reach booking-svc',
      );
      expect(await profile(left.id)).toMatchObject({ mode: null, bookable: false });
      expect((await reserve(left.id, 30)).body).toMatchObject({ success: false, error: { code: 'BOOKING_MODE_UNAVAILABLE' } });
      expect((await reserve(left.id, 30)).status).toBe(422);
      expect(await profile(overridden.id)).toMatchObject({ mode: 'request', bookable: true });
      expect((await reserve(overridden.id, 30)).status).toBe(201);
    } finally {
      await setFlag('booking.request_mode_percentage', { percentage: 100, providerOverrides: {} });
    }
    await waitFor(
      async () => (await reserve(left.id, 32)).status === 201,
      10_000,
      () => 'request booking back for everyone',
    );
  }, 60_000);

  it('books calendar providers by request while instant booking is switched off', async () => {
    const provider = await createProvider(platform.url('booking-svc'));
    await publish(
      producer,
      Topics.calendarEvents,
      'CalendarConnectionChanged',
      { providerId: provider.id, connected: true, calendarProvider: 'google' },
      provider.id,
    );
    await waitFor(
      async () => (await profile(provider.id))?.mode === 'instant',
      15_000,
      () => 'instant mode from the calendar',
    );
    try {
      await setFlag('booking.instant_mode_enabled', { enabled: false });
      await waitFor(
        async () => (await profile(provider.id))?.mode === 'request',
        10_000,
        () => 'the switch to reach booking-svc',
      );
      const patient = await devToken('patient', `patient-${randomUUID()}`);
      const reservation = await api(patient, 'POST', '/api/bookings/reserve-slot', {
        providerId: provider.id,
        serviceId: 'svc-consult',
        startTime: slotStart(40).toISOString(),
      });
      const booking = await api(patient, 'POST', '/api/bookings', { reservationId: reservation.body.data.id, patientTimezone: 'UTC' });
      expect(booking).toMatchObject({ status: 201, body: { data: { bookingType: 'request' } } });
    } finally {
      await setFlag('booking.instant_mode_enabled', { enabled: true });
    }
    await waitFor(
      async () => (await profile(provider.id))?.mode === 'instant',
      10_000,
      () => 'instant booking back',
    );
  }, 60_000);
});
