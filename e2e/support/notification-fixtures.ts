import { Topics } from '@bp/contracts';
import { type OutgoingMessage, buildMessage } from '@bp/messaging';
import { type FcmFake, type TwilioFake, waitFor } from '@bp/testing';
import { type Answer, internalCall } from './internal-api.js';
import { scrape } from './scrape.js';
import type { TestPlatform } from './test-platform.js';

/** The sender number notification-svc's SMS go out from in these specs (Twilio's test number). */
export const SMS_SENDER = '+15005550006';

/** Starts the FCM and Twilio fakes; returns the notification-svc settings that send its push and SMS to them. */
export async function fakeChannelSettings(fcm: FcmFake, twilio: TwilioFake): Promise<Record<string, string>> {
  const [fcmUrl, twilioUrl] = await Promise.all([fcm.start(), twilio.start()]);
  return {
    FCM_SERVICE_ACCOUNT_JSON: fcm.serviceAccountJson(),
    FCM_BASE_URL: fcmUrl,
    TWILIO_ACCOUNT_SID: twilio.accountSid,
    TWILIO_AUTH_TOKEN: twilio.authToken,
    TWILIO_FROM: SMS_SENDER,
    TWILIO_API_BASE: twilioUrl,
  };
}

/** booking-svc's event for a new request (held, waiting for the provider), as notification-svc receives it. */
export function newRequestEvent(bookingId: string, patientId: string, providerId: string, bookingNumber = 'FH-20300310-7KQ2M'): OutgoingMessage {
  return buildMessage(
    Topics.bookingEvents,
    'BookingStatusChanged',
    {
      bookingId,
      bookingNumber,
      patientId,
      providerId,
      bookingType: 'request',
      previousStatus: 'pending_payment',
      status: 'pending_confirmation',
      reason: 'payment_held',
      startTime: '2030-03-10T16:00:00.000Z',
      endTime: '2030-03-10T16:30:00.000Z',
      providerTimezone: 'America/Denver',
      patientTimezone: 'Europe/Berlin',
      deadline: '2030-03-02T10:00:00.000Z',
      priceCents: 10_000,
      currency: 'usd',
    },
    { id: bookingId, version: 2 },
  );
}

/** Sets a person's own notification preferences (and contacts) on notification-svc's internal API. */
export function setPreferences(notificationSvcUrl: string, role: 'patient' | 'provider', id: string, body: object): Promise<Answer> {
  return internalCall(notificationSvcUrl, 'PUT', '/internal/notification-preferences/me', { type: role, id }, body);
}

/**
 * Sets a person's preferences with the email and phone in them already verified, for specs about what
 * is sent rather than about verification: their verification records are written first, so setting
 * the contacts sends no code and messages reach them (e2e/contact-verification.spec.ts covers codes).
 */
export async function setVerifiedPreferences(
  platform: TestPlatform,
  role: 'patient' | 'provider',
  id: string,
  body: { email?: string; phone?: string } & object,
): Promise<Answer> {
  const records = platform.mongo.db(platform.database('notification-svc')).collection<{ _id: string }>('contact_verifications');
  const now = new Date();
  for (const [channel, value] of [
    ['email', body.email],
    ['sms', body.phone],
  ] as const) {
    if (value)
      await records.replaceOne(
        { _id: `${role}:${id}:${channel}` },
        { channel, value, verifiedAt: now, sends: { count: 0 }, revision: 1, updatedAt: now },
        { upsert: true },
      );
  }
  return setPreferences(platform.url('notification-svc'), role, id, body);
}

/**
 * Waits until notification-svc's `sweep` (deliveries: deferred sends and retries; digests) has
 * finished `passes` more passes: what a sweep would still send has been sent by then.
 */
export async function sweepsPassed(notificationSvcUrl: string, sweep: 'deliveries' | 'digests', passes = 2): Promise<void> {
  const count = async () => (await scrape(notificationSvcUrl)).value('notification_sweep_passes_total', { sweep }) ?? 0;
  const before = await count();
  await waitFor(
    async () => (await count()) >= before + passes,
    15_000,
    () => `${passes} more ${sweep} sweep passes`,
  );
}
