import { randomUUID } from 'node:crypto';
import { FcmFake, TwilioFake, devToken, publishMessage, testKafka, waitFor } from '@bp/testing';
import { fakeChannelSettings, newRequestEvent } from './support/notification-fixtures.js';
import { type TestPlatform, startPlatform } from './support/test-platform.js';

const CODE_TEXT = /verification code is (\d{6})\b/;

/**
 * Contacts are verified before anything but their code is sent to them: through the real gateway and
 * notification-svc, with SMS on TwilioFake and push on FcmFake. Email has no server here, so it shows
 * a channel that is off.
 */
describe('contact verification', () => {
  let platform: TestPlatform;
  const fcm = new FcmFake();
  const twilio = new TwilioFake();
  const producer = testKafka().producer();

  beforeAll(async () => {
    platform = await startPlatform(['gateway', 'notification-svc'], {
      portOffset: 600,
      env: {
        'notification-svc': {
          ...(await fakeChannelSettings(fcm, twilio)),
          // A second code within the hour is refused, so "too soon" does not depend on how fast the spec runs.
          CONTACT_CODE_RESEND_INTERVAL_SECONDS: '3600',
        },
      },
    });
    await producer.connect();
  }, 120_000);

  afterAll(async () => {
    await producer.disconnect();
    await platform?.stop();
    await Promise.all([fcm.stop(), twilio.stop()]);
  }, 60_000);

  async function call(role: 'patient' | 'provider' | 'admin', id: string, method: string, path: string, body?: unknown) {
    const response = await fetch(`${platform.url('gateway')}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await devToken(role, id)}`,
        ...(method === 'GET' ? {} : { 'x-idempotency-key': `k-${randomUUID()}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as any };
  }
  const codesTo = (phone: string) => twilio.receivedBy(phone).flatMap((m) => CODE_TEXT.exec(m.body)?.[1] ?? []);
  const bookingTextsTo = (phone: string) => twilio.receivedBy(phone).filter((m) => !CODE_TEXT.test(m.body));
  const otherCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
  const adminView = async (bookingId: string) => (await call('admin', 'admin-1', 'GET', `/api/admin/bookings/${bookingId}/notifications`)).body.data as any[];

  const patient = `patient-${randomUUID()}`;
  const stranger = `patient-${randomUUID()}`;
  const phone = '+4915112345678';
  const device = `device-${randomUUID()}`;
  let code = '';

  it('texts a one-time code, and only that, to a phone set through the gateway; it is stored hashed and shown pending', async () => {
    const set = await call('patient', patient, 'PUT', '/api/notifications/preferences', { phone, channels: { sms: true } });
    expect(set.status).toBe(200);
    expect(set.body.data.phone).toBe(phone);
    expect(set.body.data.contactVerification.sms).toMatchObject({ status: 'pending', attemptsLeft: 5, codeExpiresAt: expect.any(String) });
    await waitFor(
      () => codesTo(phone).length === 1,
      20_000,
      () => 'the code text',
    );
    code = codesTo(phone)[0]!;
    expect(twilio.receivedBy(phone)[0]!.body).not.toMatch(/https?:\/\//);
    const stored = await platform.mongo.db(platform.database('notification-svc')).collection('contact_verifications').findOne({ value: phone });
    expect(JSON.stringify(stored)).not.toContain(code);

    const again = await call('patient', patient, 'POST', '/api/notifications/contacts/resend', { channel: 'sms' });
    expect(again).toMatchObject({ status: 429, body: { success: false, error: { code: 'VERIFICATION_RESEND_TOO_SOON' } } });
    expect(Number(again.retryAfter)).toBeGreaterThan(0);
    expect(codesTo(phone)).toHaveLength(1);
  }, 60_000);

  it('does not text a booking notification to the unverified phone, and still pushes it; the admin sees the text skipped', async () => {
    expect((await call('patient', patient, 'POST', '/api/notifications/devices', { token: device })).status).toBe(201);
    const bookingId = `b-${randomUUID()}`;
    await publishMessage(producer, newRequestEvent(bookingId, patient, `provider-${randomUUID()}`));
    await waitFor(
      () => fcm.receivedBy(device).length === 1,
      20_000,
      () => 'the push',
    );
    const skipped = await waitFor(
      async () => (await adminView(bookingId)).find((row) => row.channel === 'sms'),
      20_000,
      () => 'the SMS delivery recorded',
    );
    expect(skipped).toMatchObject({ recipientRole: 'patient', status: 'skipped', skippedReason: 'CONTACT_UNVERIFIED', attempts: 0 });
    expect(bookingTextsTo(phone)).toHaveLength(0);
  }, 60_000);

  it('refuses a wrong code with the tries left, refuses everyone but the owner, and verifies with the right code once', async () => {
    const wrong = await call('patient', patient, 'POST', '/api/notifications/contacts/verify', { channel: 'sms', code: otherCode(code) });
    expect(wrong).toMatchObject({ status: 400, body: { error: { code: 'VERIFICATION_CODE_INVALID', details: { attemptsLeft: 4 } } } });
    expect((await call('patient', patient, 'POST', '/api/notifications/contacts/verify', { channel: 'sms', code: '12345' })).body.error.code).toBe(
      'VALIDATION_FAILED',
    );

    // Someone else with the code in hand: they have no phone here, and an admin has no contacts at all.
    expect(await call('patient', stranger, 'POST', '/api/notifications/contacts/verify', { channel: 'sms', code })).toMatchObject({
      status: 404,
      body: { error: { code: 'CONTACT_NOT_SET' } },
    });
    expect((await call('admin', 'admin-1', 'POST', '/api/notifications/contacts/verify', { channel: 'sms', code })).status).toBe(403);
    // Claiming the same number gives the stranger a code of their own (sent to the phone, not to them); the owner's does not fit it.
    const claimed = await call('patient', stranger, 'PUT', '/api/notifications/preferences', { phone, channels: { sms: true } });
    expect(claimed.body.data.contactVerification.sms.status).toBe('pending');
    await waitFor(
      () => codesTo(phone).length === 2,
      20_000,
      () => 'the stranger’s code, texted to the phone',
    );
    expect(await call('patient', stranger, 'POST', '/api/notifications/contacts/verify', { channel: 'sms', code })).toMatchObject({
      status: 400,
      body: { error: { code: 'VERIFICATION_CODE_INVALID' } },
    });

    const verified = await call('patient', patient, 'POST', '/api/notifications/contacts/verify', { channel: 'sms', code });
    expect(verified).toMatchObject({ status: 200, body: { data: { channel: 'sms', status: 'verified', verifiedAt: expect.any(String) } } });
    expect((await call('patient', patient, 'GET', '/api/notifications/preferences')).body.data.contactVerification.sms.status).toBe('verified');
    expect((await call('patient', stranger, 'GET', '/api/notifications/preferences')).body.data.contactVerification.sms.status).toBe('pending');
    expect(await call('patient', patient, 'POST', '/api/notifications/contacts/verify', { channel: 'sms', code })).toMatchObject({
      status: 409,
      body: { error: { code: 'CONTACT_ALREADY_VERIFIED' } },
    });
  }, 60_000);

  it('texts the next booking notification to the phone once it is verified', async () => {
    const bookingId = `b-${randomUUID()}`;
    await publishMessage(producer, newRequestEvent(bookingId, patient, `provider-${randomUUID()}`));
    await waitFor(
      () => bookingTextsTo(phone).length === 1,
      20_000,
      () => 'the booking text',
    );
    expect(bookingTextsTo(phone)[0]!.body).toContain(`/booking/${bookingId}`);
    // The text arrives before notification-svc records the send: the record follows.
    await waitFor(
      async () => (await adminView(bookingId)).find((row) => row.channel === 'sms' && row.status === 'sent'),
      10_000,
      () => 'the text recorded as sent',
    );
  }, 60_000);

  it('makes a changed number unverified again (no code within the resend interval), and sends it nothing', async () => {
    const newPhone = '+4915187654321';
    const changed = await call('patient', patient, 'PUT', '/api/notifications/preferences', { phone: newPhone });
    expect(changed.body.data.contactVerification.sms).toMatchObject({ status: 'unverified', resendAvailableAt: expect.any(String) });
    expect(Date.parse(changed.body.data.contactVerification.sms.resendAvailableAt)).toBeGreaterThan(Date.now());
    const bookingId = `b-${randomUUID()}`;
    await publishMessage(producer, newRequestEvent(bookingId, patient, `provider-${randomUUID()}`));
    const sms = await waitFor(
      async () => (await adminView(bookingId)).find((row) => row.channel === 'sms'),
      20_000,
      () => 'the SMS delivery recorded',
    );
    expect(sms).toMatchObject({ status: 'skipped', skippedReason: 'CONTACT_UNVERIFIED' });
    expect(twilio.receivedBy(newPhone)).toHaveLength(0);
    expect(bookingTextsTo(phone)).toHaveLength(1);
  }, 60_000);

  it('answers a code request for a channel this platform does not offer with CONTACT_CHANNEL_UNAVAILABLE', async () => {
    const set = await call('patient', patient, 'PUT', '/api/notifications/preferences', { email: `${patient}@example.test` });
    expect(set.body.data.contactVerification.email.status).toBe('unverified');
    expect(await call('patient', patient, 'POST', '/api/notifications/contacts/resend', { channel: 'email' })).toMatchObject({
      status: 409,
      body: { error: { code: 'CONTACT_CHANNEL_UNAVAILABLE' } },
    });
  }, 30_000);
});
