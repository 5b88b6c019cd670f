import { Topics } from '@bp/contracts';
import { type OutgoingMessage, buildMessage } from '@bp/messaging';
import { type Answer, internalCall } from './internal-api.js';

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
