import { Topics } from '@bp/contracts';
import { type OutgoingMessage, buildMessage } from '@bp/messaging';
import type { CalendarConnection } from '../domain/calendar-connection.js';

/** The event booking-svc follows to switch the provider between instant (connected) and request booking. */
export function connectionChanged(connection: CalendarConnection): OutgoingMessage {
  return buildMessage(
    Topics.calendarEvents,
    'CalendarConnectionChanged',
    { providerId: connection.providerId, connected: connection.status === 'connected', calendarProvider: connection.calendarProvider },
    { id: connection.providerId, version: connection.version },
  );
}
