import { randomUUID } from 'node:crypto';
import { type TestActor, internalCall } from './support/internal-api.js';
import { type TestPlatform, startPlatform } from './support/test-platform.js';

/**
 * Provider profiles on booking-svc's internal API, booking-svc running as a real process on the real
 * database: who may create and change a profile, the bounds the domain enforces, and the public view.
 */
describe('booking-svc provider profiles', () => {
  let platform: TestPlatform;
  const admin = { type: 'admin' as const, id: 'admin-1' };

  beforeAll(async () => {
    platform = await startPlatform(['booking-svc'], { portOffset: 40 });
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
  }, 60_000);

  const call = (method: string, path: string, actor: TestActor | undefined, body?: unknown, headers: Record<string, string> = {}) =>
    internalCall(platform.url('booking-svc'), method, `/internal/providers/${path}`, actor, body, headers);

  const profile = () => ({
    timezone: 'America/Denver',
    services: [{ id: 'consult', name: 'Consultation', category: 'therapy', durationMinutes: 50, priceCents: 12000 }],
    weeklyHours: { '1': [{ start: '09:00', end: '12:00' }], '3': [{ start: '13:00', end: '17:00' }] },
    overrides: [{ date: '2030-12-25', windows: [] }],
  });

  /** A new provider id and that provider as the actor. */
  function newProvider() {
    const id = `provider-${randomUUID()}`;
    return { id, actor: { type: 'provider' as const, id } };
  }

  async function created() {
    const provider = newProvider();
    const answer = await call('PUT', provider.id, provider.actor, profile());
    expect(answer.status).toBe(201);
    return provider;
  }

  it('creates a profile for the provider themselves, with default settings, in request mode', async () => {
    const { id, actor } = newProvider();
    const { status, body } = await call('PUT', id, actor, { ...profile(), settings: { bufferMinutes: 10 } });
    expect(status).toBe(201);
    expect(body.data).toMatchObject({
      id,
      timezone: 'America/Denver',
      mode: 'request',
      calendarConnected: false,
      version: 1,
      services: [{ id: 'consult', currency: 'usd', durationMinutes: 50 }],
      schedule: { weeklyHours: profile().weeklyHours, overrides: profile().overrides },
      settings: { mode: 'request', modeOverride: false, bufferMinutes: 10, minimumNoticeHours: 24 },
      stats: { totalRequests: 0, totalRevenue: 0 },
    });
    const stored = await platform.mongo
      .db(platform.database('booking-svc'))
      .collection('providers')
      .findOne({ _id: id as never });
    expect(stored).toMatchObject({ version: 1, timezone: 'America/Denver', createdAt: expect.any(Date) });
  });

  it('answers 409 PROVIDER_EXISTS to a second create, leaving the profile as it was', async () => {
    const { id, actor } = await created();
    const again = await call('PUT', id, actor, { ...profile(), timezone: 'UTC' });
    expect(again.status).toBe(409);
    expect(again.body.error?.code).toBe('PROVIDER_EXISTS');
    expect((await call('GET', id, actor)).body.data.timezone).toBe('America/Denver');
  });

  it('replays a retried create with the same idempotency key, and refuses the key for another body', async () => {
    const provider = newProvider();
    const key = { 'x-idempotency-key': `create-${randomUUID()}` };
    const first = await call('PUT', provider.id, provider.actor, profile(), key);
    const retry = await call('PUT', provider.id, provider.actor, profile(), key);
    expect(first.status).toBe(201);
    expect(retry).toEqual({ status: 201, body: { ...first.body, meta: expect.any(Object) } });
    const other = await call('PUT', provider.id, provider.actor, { ...profile(), timezone: 'Europe/Paris' }, key);
    expect(other.body.error?.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('lets only the provider themselves and admins change or read the full profile', async () => {
    const { id, actor } = await created();
    const other = newProvider().actor;
    const patient = { type: 'patient' as const, id: 'patient-1' };

    for (const stranger of [other, patient]) {
      expect((await call('PATCH', `${id}/settings`, stranger, { bufferMinutes: 0 })).body.error?.code).toBe('FORBIDDEN');
      expect((await call('PUT', `${id}/services`, stranger, { services: [] })).status).toBe(403);
      expect((await call('PUT', `${id}/schedule`, stranger, { weeklyHours: {} })).status).toBe(403);
      const read = await call('GET', id, stranger);
      expect(read.status).toBe(404);
      expect(read.body.error?.code).toBe('PROVIDER_NOT_FOUND');
    }
    expect((await call('PUT', newProvider().id, other, profile())).status).toBe(403);
    expect((await call('PUT', newProvider().id, patient, profile())).status).toBe(403);

    const byAdmin = await call('PATCH', `${id}/settings`, admin, { bufferMinutes: 0 });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.data).toMatchObject({ version: 2, settings: { bufferMinutes: 0 } });
    const byOwner = await call('PUT', `${id}/services`, actor, {
      services: [{ id: 'intro', name: 'Intro call', category: 'therapy', durationMinutes: 15, priceCents: 0, currency: 'eur' }],
    });
    expect(byOwner.status).toBe(200);
    expect(byOwner.body.data).toMatchObject({ version: 3, services: [{ id: 'intro', currency: 'eur' }] });
    expect((await call('GET', id, admin)).body.data.version).toBe(3);
    expect((await call('PUT', newProvider().id, admin, profile())).status).toBe(201);
  });

  it('refuses out-of-bounds settings and services with 422, listing every problem', async () => {
    const { id, actor } = newProvider();
    const { status, body } = await call('PUT', id, actor, {
      ...profile(),
      services: [{ id: 'consult', name: 'Consultation', category: 'therapy', durationMinutes: 7, priceCents: -100 }],
      settings: { bufferMinutes: 90, confirmationDeadlineHours: 1, maximumAdvanceDays: 1000 },
    });
    expect(status).toBe(422);
    expect(body.error?.code).toBe('VALIDATION_FAILED');
    expect(body.error?.details.problems).toEqual([
      'services[0].durationMinutes must be a multiple of 5 from 5 to 480',
      'services[0].priceCents must be a whole number of cents, 0 or more',
      'settings.confirmationDeadlineHours must be an integer from 4 to 72',
      'settings.maximumAdvanceDays must be an integer from 7 to 365',
      'settings.bufferMinutes must be an integer from 0 to 60',
    ]);
    expect((await call('GET', id, actor)).status).toBe(404);

    const existing = await created();
    const change = await call('PATCH', `${existing.id}/settings`, existing.actor, { cancellationFeePercent: 101, slotDurationMinutes: 2.5 });
    expect(change.status).toBe(422);
    expect(change.body.error?.details.problems).toEqual([
      'cancellationFeePercent must be an integer from 0 to 100',
      'slotDurationMinutes must be an integer from 5 to 240',
      'slotDurationMinutes must be a multiple of 5',
    ]);
    const services = await call('PUT', `${existing.id}/services`, existing.actor, {
      services: [
        { id: 'a', name: 'A', category: 'c', durationMinutes: 30, priceCents: 100 },
        { id: 'a', name: 'B', category: 'c', durationMinutes: 500, priceCents: 100, currency: 'zzz' },
      ],
    });
    expect(services.status).toBe(422);
    expect(services.body.error?.details.problems).toEqual([
      'services[1].durationMinutes must be a multiple of 5 from 5 to 480',
      'services[1].currency must be an ISO 4217 code such as usd',
      'services: id a appears more than once',
    ]);
    expect((await call('GET', existing.id, existing.actor)).body.data.version).toBe(1);
  });

  it('refuses an unknown time zone and overlapping hours', async () => {
    const { id, actor } = newProvider();
    const badZone = await call('PUT', id, actor, { ...profile(), timezone: 'America/Gotham' });
    expect(badZone.status).toBe(422);
    expect(badZone.body.error?.details.problems).toEqual(['timezone: America/Gotham is not an IANA time zone']);

    const existing = await created();
    const overlap = await call('PUT', `${existing.id}/schedule`, existing.actor, {
      weeklyHours: {
        '2': [
          { start: '09:00', end: '12:00' },
          { start: '11:30', end: '14:00' },
        ],
      },
      overrides: [{ date: '2030-02-30', windows: [] }],
    });
    expect(overlap.status).toBe(422);
    expect(overlap.body.error?.code).toBe('VALIDATION_FAILED');
    expect(overlap.body.error?.details.problems).toEqual(['weeklyHours.2: windows overlap', 'overrides: 2030-02-30 is not a YYYY-MM-DD date']);
    expect((await call('PUT', `${existing.id}/schedule`, existing.actor, { timezone: 'Etc/Nowhere', weeklyHours: {} })).status).toBe(422);

    const moved = await call('PUT', `${existing.id}/schedule`, existing.actor, {
      timezone: 'Europe/Lisbon',
      weeklyHours: { '5': [{ start: '10:00', end: '16:00' }] },
    });
    expect(moved.status).toBe(200);
    expect(moved.body.data).toMatchObject({
      timezone: 'Europe/Lisbon',
      schedule: { weeklyHours: { '5': [{ start: '10:00', end: '16:00' }] }, overrides: [] },
      version: 2,
    });
  });

  it('lets only an admin change the booking mode', async () => {
    const { id, actor } = await created();
    const byProvider = await call('PATCH', `${id}/settings`, actor, { mode: 'instant', modeOverride: true });
    expect(byProvider.status).toBe(403);
    expect(byProvider.body.error?.code).toBe('FORBIDDEN');
    expect((await call('PUT', newProvider().id, actor, { ...profile(), settings: { modeOverride: true } })).status).toBe(403);
    // Sending back the values it read is no change.
    expect((await call('PATCH', `${id}/settings`, actor, { mode: 'request', modeOverride: false, minimumNoticeHours: 12 })).status).toBe(200);

    const byAdmin = await call('PATCH', `${id}/settings`, admin, { mode: 'instant', modeOverride: true });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.data).toMatchObject({ mode: 'instant', settings: { mode: 'instant', modeOverride: true, minimumNoticeHours: 12 } });
    expect((await call('GET', `${id}/profile`, undefined)).body.data.mode).toBe('instant');
  });

  it('shows anyone the public booking profile, and nothing more', async () => {
    const { id } = await created();
    const { status, body } = await call('GET', `${id}/profile`, { type: 'patient', id: 'patient-2' });
    expect(status).toBe(200);
    expect(body.data).toEqual({
      id,
      displayName: null,
      timezone: 'America/Denver',
      mode: 'request',
      bookable: true,
      services: [{ id: 'consult', name: 'Consultation', category: 'therapy', durationMinutes: 50, priceCents: 12000, currency: 'usd' }],
      responseTime: { summary: null, avgResponseTimeMinutes: null },
    });
    const missing = await call('GET', `provider-${randomUUID()}/profile`, undefined);
    expect(missing.status).toBe(404);
    expect(missing.body.error?.code).toBe('PROVIDER_NOT_FOUND');
  });

  it('rejects malformed requests with 400 before anything else', async () => {
    const { id, actor } = newProvider();
    const unknownField = await call('PUT', id, actor, { ...profile(), nickname: 'Doc' });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error?.code).toBe('VALIDATION_FAILED');
    const unknownNested = await call('PUT', id, actor, { ...profile(), settings: { bufferMinutes: 5, colour: 'blue' } });
    expect(unknownNested.status).toBe(400);
    const unknownWeekday = await call('PUT', id, actor, { ...profile(), weeklyHours: { '8': [] } });
    expect(unknownWeekday.status).toBe(400);
    const wrongType = await call('PUT', id, actor, { ...profile(), services: [{ ...profile().services[0], priceCents: '100' }] });
    expect(wrongType.status).toBe(400);

    const noKey = await call('PUT', id, actor, profile(), { 'x-idempotency-key': '' });
    expect(noKey.status).toBe(400);
    expect(noKey.body.error?.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
    expect((await call('PUT', id, actor, profile(), { 'x-internal-token': 'wrong' })).status).toBe(401);
    expect((await call('GET', id, actor)).status).toBe(404);
  });
});
