import { randomUUID } from 'node:crypto';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { Topics } from '@bp/contracts';
import { publishMessage, testKafka, waitFor } from '@bp/testing';
import { sendAndAwaitConsumed } from './support/consumed.js';
import { internalCall } from './support/internal-api.js';
import { newRequestEvent, setVerifiedPreferences, sweepsPassed } from './support/notification-fixtures.js';
import { type TestPlatform, startPlatform } from './support/test-platform.js';

/** notification-svc on a real SMTP server: preferences, the emails a booking change sends, no duplicates on redelivery, retries after a refusal. */
describe('notification-svc email', () => {
  let platform: TestPlatform;
  let smtp: SMTPServer;
  const received: ParsedMail[] = [];
  /** Recipients the server refuses once (a temporary failure), to show the retry. */
  const refuseOnce = new Set<string>();
  const kafka = testKafka();
  const producer = kafka.producer();

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onRcptTo(address, _session, callback) {
        if (refuseOnce.delete(address.address)) return callback(Object.assign(new Error('Mailbox busy, try again later'), { responseCode: 451 }));
        callback();
      },
      onData(stream, _session, callback) {
        simpleParser(stream).then((mail) => {
          received.push(mail);
          callback();
        }, callback);
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as { port: number }).port;
    platform = await startPlatform(['notification-svc'], {
      portOffset: 250,
      env: {
        'notification-svc': {
          SMTP_URL: `smtp://127.0.0.1:${port}`,
          APP_HOST: 'app.example.health',
          APP_SCHEME: 'examplehealth',
          DEFERRED_SWEEP_INTERVAL_MS: '500',
          NOTIFICATION_RETRY_BASE_MS: '500', // a refused send is tried again half a second later, not ten
        },
      },
    });
    await producer.connect();
  }, 120_000);

  afterAll(async () => {
    await producer.disconnect();
    await platform?.stop();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  }, 60_000);

  // Contacts set here are verified: these specs are about what is sent (verification: contact-verification.spec.ts).
  const preferences = (role: 'patient' | 'provider', id: string, body: object) => setVerifiedPreferences(platform, role, id, body);
  const mailTo = (address: string) => received.filter((mail) => mail.to && !Array.isArray(mail.to) && mail.to.value[0]?.address === address);

  it('emails the patient and the provider of a new request, with its deep link, and nothing twice when the event comes again', async () => {
    const [patientId, providerId, bookingId] = [`patient-${randomUUID()}`, `provider-${randomUUID()}`, `b-${randomUUID()}`];
    const patientEmail = `${patientId}@example.test`;
    const providerEmail = `${providerId}@example.test`;
    expect((await preferences('patient', patientId, { email: patientEmail })).status).toBe(200);
    expect((await preferences('provider', providerId, { email: providerEmail })).status).toBe(200);
    const event = newRequestEvent(bookingId, patientId, providerId);
    await publishMessage(producer, event);
    await waitFor(
      () => mailTo(patientEmail).length === 1 && mailTo(providerEmail).length === 1,
      20_000,
      () => 'both emails',
    );
    const [toPatient] = mailTo(patientEmail);
    const [toProvider] = mailTo(providerEmail);
    expect(toPatient!.subject).toBe('Booking request sent: FH-20300310-7KQ2M');
    expect(toPatient!.text).toContain('Sunday 10 March 2030 at 17:00');
    expect(toPatient!.text).toContain(`https://app.example.health/booking/${bookingId}`);
    expect(toPatient!.headers.get('x-app-link')).toBe(`examplehealth://booking/${bookingId}`);
    expect(toProvider!.subject).toBe('New booking request - action required: FH-20300310-7KQ2M');
    expect(toProvider!.text).toContain('10:00 MDT');

    await sendAndAwaitConsumed(platform.url('notification-svc'), { topic: Topics.bookingEvents, type: 'BookingStatusChanged' }, () =>
      publishMessage(producer, event),
    ); // delivered again (a replay, a rebalance)
    expect(mailTo(patientEmail)).toHaveLength(1);
    expect(mailTo(providerEmail)).toHaveLength(1);
  }, 60_000);

  it('sends only on the channels a person chose, and retries a send the mail server refused', async () => {
    const [patientId, providerId, bookingId] = [`patient-${randomUUID()}`, `provider-${randomUUID()}`, `b-${randomUUID()}`];
    const patientEmail = `${patientId}@example.test`;
    const providerEmail = `${providerId}@example.test`;
    await preferences('patient', patientId, { email: patientEmail, channels: { email: false } }); // email turned off
    await preferences('provider', providerId, { email: providerEmail });
    refuseOnce.add(providerEmail);
    await sendAndAwaitConsumed(platform.url('notification-svc'), { topic: Topics.bookingEvents, type: 'BookingStatusChanged' }, () =>
      publishMessage(producer, newRequestEvent(bookingId, patientId, providerId)),
    );
    await waitFor(
      () => mailTo(providerEmail).length === 1,
      20_000,
      () => 'the provider’s email after the retry',
    );
    await sweepsPassed(platform.url('notification-svc'), 'deliveries'); // no further retry once sent
    expect(mailTo(providerEmail)).toHaveLength(1);
    expect(mailTo(patientEmail)).toHaveLength(0);
    const deliveries = platform.mongo.db(platform.database('notification-svc')).collection('deliveries');
    const delivery = await waitFor(
      async () => (await deliveries.findOne({ bookingId, 'recipient.role': 'provider', status: 'sent' })) ?? undefined,
      10_000,
      () => 'the provider’s email recorded as sent',
    );
    expect(delivery).toMatchObject({ status: 'sent', attempts: 2, template: 'new_request', channel: 'email' });
    const metrics = await (await fetch(`${platform.url('notification-svc')}/metrics`)).text();
    expect(metrics).toMatch(/^notification_failed_total\{[^}]*channel="email"[^}]*\} [1-9]/m);
  }, 60_000);

  it('keeps preferences per person, validated', async () => {
    const id = `patient-${randomUUID()}`;
    expect(await preferences('patient', id, { quietHours: { enabled: true, start: '22:00', end: '07:00', timezone: 'Europe/Berlin' } })).toMatchObject({
      status: 200,
      body: { data: { channels: { email: true, push: true, sms: false }, quietHours: { enabled: true, start: '22:00' } } },
    });
    expect((await preferences('patient', id, { phone: '0176 123' })).status).toBe(400);
    expect((await preferences('patient', id, { channels: { fax: true } })).status).toBe(400);
    const other = await internalCall(platform.url('notification-svc'), 'GET', '/internal/notification-preferences/me', {
      type: 'patient',
      id: `patient-${randomUUID()}`,
    });
    expect(other.body.data.quietHours).toEqual({ enabled: false }); // someone else's are the defaults, not these
  }, 30_000);

  it('holds a non-urgent email during the recipient’s quiet hours and sends it when they end', async () => {
    const [patientId, providerId, bookingId] = [`patient-${randomUUID()}`, `provider-${randomUUID()}`, `b-${randomUUID()}`];
    const patientEmail = `${patientId}@example.test`;
    const providerEmail = `${providerId}@example.test`;
    const clock = (date: Date) => date.toISOString().slice(11, 16);
    const now = new Date();
    const end = new Date(Math.floor(now.getTime() / 60_000) * 60_000 + (now.getUTCSeconds() > 45 ? 120_000 : 60_000)); // the window ends at the next minute or so
    await preferences('patient', patientId, {
      email: patientEmail,
      quietHours: { enabled: true, start: clock(new Date(now.getTime() - 3_600_000)), end: clock(end), timezone: 'UTC' },
    });
    await preferences('provider', providerId, { email: providerEmail });
    await publishMessage(producer, newRequestEvent(bookingId, patientId, providerId));
    await waitFor(
      () => mailTo(providerEmail).length === 1,
      20_000,
      () => 'the provider’s email, outside quiet hours',
    );
    const deliveries = platform.mongo.db(platform.database('notification-svc')).collection('deliveries');
    const held = await deliveries.findOne({ bookingId, 'recipient.role': 'patient' });
    expect(held).toMatchObject({ status: 'deferred', notBefore: end });
    await sweepsPassed(platform.url('notification-svc'), 'deliveries'); // the sweep passes it by while quiet hours last
    expect(mailTo(patientEmail)).toHaveLength(0);
    // Quiet hours end (moved to now rather than waited for: the window's end is a whole minute away).
    await deliveries.updateOne({ _id: held!._id, status: 'deferred' }, { $set: { notBefore: new Date() } });
    await waitFor(
      () => mailTo(patientEmail).length === 1,
      20_000,
      () => 'the held email once quiet hours end',
    );
    expect(mailTo(patientEmail)[0]!.subject).toBe('Booking request sent: FH-20300310-7KQ2M');
    // The server has the email before notification-svc records the send: the record follows.
    const sent = await waitFor(
      async () => (await deliveries.findOne({ bookingId, 'recipient.role': 'patient', status: 'sent' })) ?? undefined,
      10_000,
      () => 'the held email recorded as sent',
    );
    expect(sent).toMatchObject({ status: 'sent', attempts: 1 });
  }, 60_000);
});
