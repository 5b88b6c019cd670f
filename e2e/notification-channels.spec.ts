import { randomUUID } from 'node:crypto';
import { Topics } from '@bp/contracts';
import { type TopicProbe, FcmFake, TwilioFake, devToken, probeTopic, publishMessage, testKafka, waitFor } from '@bp/testing';
import { gatewayCall } from './support/gateway-client.js';
import { SMS_SENDER, fakeChannelSettings, newRequestEvent, setVerifiedPreferences, sweepsPassed } from './support/notification-fixtures.js';
import { type TestPlatform, startPlatform } from './support/test-platform.js';
import { sendAndAwaitConsumed } from './support/consumed.js';

/**
 * notification-svc's push (FCM HTTP v1, OAuth2 service-account tokens) and SMS (Twilio) channels on
 * local servers that speak those APIs, driven by real Kafka events; new-request digests, retries and
 * NotificationFailed, devices and the admin view through the real gateway.
 */
describe('notification-svc push, SMS, digests and failures', () => {
  let platform: TestPlatform;
  const fcm = new FcmFake();
  const twilio = new TwilioFake();
  const kafka = testKafka();
  const producer = kafka.producer();
  let notificationEvents: TopicProbe;

  beforeAll(async () => {
    platform = await startPlatform(['gateway', 'notification-svc'], {
      portOffset: 260,
      env: {
        'notification-svc': {
          ...(await fakeChannelSettings(fcm, twilio)),
          APP_HOST: 'app.example.health',
          APP_SCHEME: 'examplehealth',
          DEFERRED_SWEEP_INTERVAL_MS: '300',
          DIGEST_SWEEP_INTERVAL_MS: '300',
          NOTIFICATION_RETRY_BASE_MS: '200',
          NOTIFICATION_MAX_ATTEMPTS: '3',
        },
      },
    });
    await producer.connect();
    notificationEvents = await probeTopic(Topics.notificationEvents);
  }, 120_000);

  afterAll(async () => {
    await notificationEvents?.stop();
    await producer.disconnect();
    await platform?.stop();
    await Promise.all([fcm.stop(), twilio.stop()]);
  }, 60_000);

  const gateway = async (role: 'patient' | 'provider' | 'admin', id: string, method: string, path: string, body?: unknown) =>
    gatewayCall(platform.url('gateway'), await devToken(role, id), method, path, body);
  // Contacts set here are verified: these specs are about what is sent (verification: contact-verification.spec.ts).
  const preferences = (role: 'patient' | 'provider', id: string, body: object) => setVerifiedPreferences(platform, role, id, body);
  const deliveries = () => platform.mongo.db(platform.database('notification-svc')).collection('deliveries');
  const people = () => ({ patientId: `patient-${randomUUID()}`, providerId: `provider-${randomUUID()}`, bookingId: `b-${randomUUID()}` });
  /** Runs `send` and waits until notification-svc has consumed one more booking event (see support/consumed.ts). */
  const consumedBy = (send: () => Promise<unknown>) =>
    sendAndAwaitConsumed(platform.url('notification-svc'), { topic: Topics.bookingEvents, type: 'BookingStatusChanged' }, send);
  const failedEvents = (bookingId: string) =>
    notificationEvents.records.map((r) => JSON.parse(r.value ?? '{}')).filter((m) => m.type === 'NotificationFailed' && m.payload?.bookingId === bookingId);

  it('pushes to a device registered through the gateway, with title, body and deep links as data, once per event', async () => {
    const { patientId, providerId, bookingId } = people();
    const device = `device-${randomUUID()}`;
    expect(await gateway('patient', patientId, 'POST', '/api/notifications/devices', { token: device, platform: 'android' })).toMatchObject({
      status: 201,
      body: { data: { pushTokens: [device] } },
    });
    expect((await gateway('patient', patientId, 'POST', '/api/notifications/devices', { token: 'not a token!' })).status).toBe(400);
    const event = newRequestEvent(bookingId, patientId, providerId);
    await publishMessage(producer, event);
    await waitFor(
      () => fcm.receivedBy(device).length === 1,
      20_000,
      () => 'the patient’s push',
    );
    const [push] = fcm.receivedBy(device);
    expect(push!.notification).toEqual({
      title: 'Request sent',
      body: expect.stringContaining('Waiting for the provider to confirm Sunday 10 March 2030 at 17:00'),
    });
    expect(push!.data).toMatchObject({
      link: `https://app.example.health/booking/${bookingId}`,
      appLink: `examplehealth://booking/${bookingId}`,
      bookingId,
      template: 'confirmation_request_received',
    });
    expect(fcm.issuedTokens).toContain(push!.accessToken);

    await consumedBy(() => publishMessage(producer, event)); // redelivered
    expect(fcm.receivedBy(device)).toHaveLength(1);
    expect(await gateway('patient', patientId, 'DELETE', `/api/notifications/devices/${device}`)).toMatchObject({
      status: 200,
      body: { data: { pushTokens: [] } },
    });
  }, 60_000);

  it('renews the OAuth2 access token when FCM refuses it, and before it expires', async () => {
    const { patientId, providerId } = people();
    const device = `device-${randomUUID()}`;
    await preferences('patient', patientId, { pushTokens: [device] });
    fcm.revokeAccessTokens(); // FCM now answers 401 to the token the service holds
    fcm.tokenLifetimeSeconds = 120; // inside the client's five-minute renewal margin: each send needs a fresh one
    const issuedBefore = fcm.issuedTokens.length;
    const refusedBefore = fcm.unauthorized;

    await publishMessage(producer, newRequestEvent(`b-${randomUUID()}`, patientId, providerId));
    await waitFor(
      () => fcm.receivedBy(device).length === 1,
      20_000,
      () => 'the push after the refused token',
    );
    expect(fcm.unauthorized).toBe(refusedBefore + 1);
    expect(fcm.issuedTokens.length).toBe(issuedBefore + 1);
    expect(fcm.receivedBy(device)[0]!.accessToken).toBe(fcm.issuedTokens.at(-1));

    await publishMessage(producer, newRequestEvent(`b-${randomUUID()}`, patientId, providerId));
    await waitFor(
      () => fcm.receivedBy(device).length === 2,
      20_000,
      () => 'the second push',
    );
    expect(fcm.unauthorized).toBe(refusedBefore + 1); // renewed ahead of expiry, not after a refusal
    expect(fcm.issuedTokens.length).toBe(issuedBefore + 2);
    expect(fcm.receivedBy(device)[1]!.accessToken).toBe(fcm.issuedTokens.at(-1));
    fcm.tokenLifetimeSeconds = 3600;
  }, 60_000);

  it('forgets a device FCM reports UNREGISTERED and still reaches the others', async () => {
    const { patientId, providerId, bookingId } = people();
    const [gone, kept] = [`device-gone-${randomUUID()}`, `device-kept-${randomUUID()}`];
    await gateway('patient', patientId, 'POST', '/api/notifications/devices', { token: gone });
    await gateway('patient', patientId, 'POST', '/api/notifications/devices', { token: kept });
    fcm.unregister(gone);
    await publishMessage(producer, newRequestEvent(bookingId, patientId, providerId));
    await waitFor(
      () => fcm.receivedBy(kept).length === 1,
      20_000,
      () => 'the push to the remaining device',
    );
    await waitFor(
      async () => (await gateway('patient', patientId, 'GET', '/api/notifications/preferences')).body.data.pushTokens.length === 1,
      10_000,
      () => 'the unregistered token removed',
    );
    expect((await gateway('patient', patientId, 'GET', '/api/notifications/preferences')).body.data.pushTokens).toEqual([kept]);
    expect(fcm.receivedBy(gone)).toHaveLength(0);
    const failed = await waitFor(
      async () => (await deliveries().findOne({ bookingId, channel: 'push', status: 'failed' })) ?? undefined,
      10_000,
      () => 'the push to the unregistered device recorded as failed',
    );
    expect(failed).toMatchObject({ attempts: 1, lastErrorCode: 'UNREGISTERED' });
  }, 60_000);

  it('texts the phone in a person’s contacts with the booking and its link, on exactly the channels they chose', async () => {
    const { patientId, providerId, bookingId } = people();
    const [patientPhone, providerPhone] = ['+4915112345678', '+17205550123'];
    const [patientDevice, providerDevice] = [`device-${randomUUID()}`, `device-${randomUUID()}`];
    await preferences('patient', patientId, { phone: patientPhone, pushTokens: [patientDevice], channels: { sms: true } }); // push and SMS
    await preferences('provider', providerId, { phone: providerPhone, pushTokens: [providerDevice], channels: { push: false, sms: true } }); // SMS only
    await consumedBy(() => publishMessage(producer, newRequestEvent(bookingId, patientId, providerId)));
    await waitFor(
      () => twilio.receivedBy(patientPhone).length === 1 && twilio.receivedBy(providerPhone).length === 1 && fcm.receivedBy(patientDevice).length === 1,
      20_000,
      () => 'two texts and the patient’s push',
    );
    const [toProvider] = twilio.receivedBy(providerPhone);
    expect(toProvider!.body).toMatch(
      /^New booking request FH-20300310-7KQ2M for Sunday 10 March 2030 at 10:00 MDT\. Answer by Saturday 2 March 2030 at 03:00 MST: /,
    );
    expect(toProvider!.body.endsWith(`https://app.example.health/booking/${bookingId}`)).toBe(true);
    expect(toProvider!.from).toBe(SMS_SENDER);
    expect(twilio.receivedBy(patientPhone)[0]!.body).toContain(`https://app.example.health/booking/${bookingId}`);
    expect(fcm.receivedBy(providerDevice)).toHaveLength(0); // the event is handled whole: a push would have gone with the texts
  }, 60_000);

  it('collects an hourly provider’s new requests and sends them as one digest, once, when the hour ends', async () => {
    const providerId = `provider-${randomUUID()}`;
    const phone = '+17205550199';
    await preferences('provider', providerId, { phone, channels: { push: false, sms: true }, frequency: { newBookingRequest: 'hourly' } });
    const bookings = ['FH-20300310-AAAA1', 'FH-20300310-BBBB2', 'FH-20300310-CCCC3'].map((number) => ({ id: `b-${randomUUID()}`, number }));
    const events = bookings.map((b) => newRequestEvent(b.id, `patient-${randomUUID()}`, providerId, b.number));
    for (const event of events) await publishMessage(producer, event);
    await publishMessage(producer, events[0]!); // redelivered: not listed twice

    const digests = platform.mongo.db(platform.database('notification-svc')).collection('digests');
    await waitFor(
      async () => (await digests.findOne({ providerId }))?.items?.length === 3,
      20_000,
      () => 'three requests in the digest',
    );
    const digest = (await digests.findOne({ providerId }))!;
    // The provider's local clock hour (Denver), which is also a UTC hour.
    expect(digest.periodEnd.getTime() - digest.periodStart.getTime()).toBe(3_600_000);
    expect(digest.periodStart.getTime() % 3_600_000).toBe(0);
    const admin = await gateway('admin', 'admin-1', 'GET', `/api/admin/bookings/${bookings[1]!.id}/notifications`);
    expect(admin.body.data).toContainEqual(expect.objectContaining({ channel: 'digest', template: 'new_request_digest', status: 'collecting' }));
    await sweepsPassed(platform.url('notification-svc'), 'digests'); // at least one whole pass since the digest filled up
    expect(twilio.receivedBy(phone)).toHaveLength(0); // nothing before the hour ends

    // The hour ends (moved to now rather than waited for).
    await digests.updateOne({ _id: digest._id }, { $set: { periodEnd: new Date() } });
    await waitFor(
      () => twilio.receivedBy(phone).length === 1,
      20_000,
      () => 'the digest text',
    );
    expect(twilio.receivedBy(phone)[0]!.body).toBe('3 new booking requests are waiting for your answer: https://app.example.health/bookings');
    await waitFor(
      async () => (await digests.findOne({ _id: digest._id }))?.status === 'sent',
      10_000,
      () => 'the digest marked sent',
    );
    await consumedBy(() => publishMessage(producer, events[1]!)); // redelivered after the digest went out
    await sweepsPassed(platform.url('notification-svc'), 'digests');
    expect(twilio.receivedBy(phone)).toHaveLength(1);
    expect(await digests.countDocuments({ providerId, status: 'open' })).toBe(0);
    const sms = await deliveries().findOne({ template: 'new_request_digest', 'recipient.id': providerId });
    expect(sms).toMatchObject({ channel: 'sms', status: 'sent' });
    // The requests' events are keyed by booking, so they arrive in any order across partitions.
    expect([...(sms?.['bookingIds'] as string[])].sort()).toEqual(bookings.map((b) => b.id).sort());
  }, 60_000);

  it('retries a failing channel with backoff, then marks the delivery failed and emits NotificationFailed; the admin sees it', async () => {
    const { patientId, providerId, bookingId } = people();
    const [phone, device] = ['+4915199988877', `device-${randomUUID()}`];
    await preferences('patient', patientId, { phone, pushTokens: [device], channels: { sms: true } });
    twilio.failNext(3); // every attempt Twilio gets (NOTIFICATION_MAX_ATTEMPTS=3) fails
    fcm.failNext(1); // push fails once, then goes through
    const metricsBefore = await (await fetch(`${platform.url('notification-svc')}/metrics`)).text();
    await publishMessage(producer, newRequestEvent(bookingId, patientId, providerId));

    await waitFor(
      () => failedEvents(bookingId).length === 1,
      20_000,
      () => 'NotificationFailed',
    );
    expect(failedEvents(bookingId)[0].payload).toMatchObject({
      bookingId,
      channel: 'sms',
      template: 'confirmation_request_received',
      recipientRole: 'patient',
      recipientId: patientId,
      attempts: 3,
      errorCode: 'TWILIO_20503',
    });
    expect(twilio.receivedBy(phone)).toHaveLength(0);
    expect(fcm.receivedBy(device)).toHaveLength(1);
    const sms = await deliveries().findOne({ bookingId, channel: 'sms' });
    expect(sms).toMatchObject({ status: 'failed', attempts: 3, lastErrorCode: 'TWILIO_20503' });
    expect(sms!.failedAt).toBeInstanceOf(Date);
    const gaveUp = (text: string) => Number(/^notification_gave_up_total\{[^}]*channel="sms"[^}]*\} (\d+)/m.exec(text)?.[1] ?? 0);
    const failedAttempts = (text: string) => Number(/^notification_failed_total\{[^}]*channel="sms"[^}]*\} (\d+)/m.exec(text)?.[1] ?? 0);
    const metricsAfter = await (await fetch(`${platform.url('notification-svc')}/metrics`)).text();
    expect(gaveUp(metricsAfter) - gaveUp(metricsBefore)).toBe(1);
    expect(failedAttempts(metricsAfter) - failedAttempts(metricsBefore)).toBe(3);

    const view = await gateway('admin', 'admin-1', 'GET', `/api/admin/bookings/${bookingId}/notifications`);
    expect(view.status).toBe(200);
    const rows = view.body.data as Array<Record<string, unknown>>;
    expect(rows).toContainEqual(
      expect.objectContaining({
        channel: 'sms',
        template: 'confirmation_request_received',
        recipientRole: 'patient',
        status: 'failed',
        attempts: 3,
        lastErrorCode: 'TWILIO_20503',
      }),
    );
    expect(rows).toContainEqual(
      expect.objectContaining({ channel: 'push', recipientRole: 'patient', status: 'sent', attempts: 2, sentAt: expect.any(String) }),
    );
    for (const row of rows) for (const hidden of ['address', 'message', 'lastError', 'outbox']) expect(row).not.toHaveProperty(hidden);
    expect((await gateway('patient', patientId, 'GET', `/api/admin/bookings/${bookingId}/notifications`)).status).toBe(403);
    expect(await gateway('admin', 'admin-1', 'GET', `/api/admin/bookings/b-${randomUUID()}/notifications`)).toMatchObject({ status: 200, body: { data: [] } });
  }, 60_000);
});
