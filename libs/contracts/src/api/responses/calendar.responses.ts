import { type Static, Type } from '@sinclair/typebox';
import { DateTime, Integer, OneOf } from './json-schema.js';

const Optional = Type.Optional;
const CALENDARS = ['google', 'microsoft'] as const;

/** A provider's calendar connection as calendar-svc shows it: never a token. */
export const CalendarConnectionContract = Type.Object({
  providerId: Type.String(),
  calendarProvider: OneOf(CALENDARS),
  status: OneOf(['connected', 'reauthorization_required', 'disconnected']),
  connected: Type.Boolean(),
  accountEmail: Optional(Type.String()),
  connectedAt: DateTime(),
  disconnectedAt: Optional(DateTime()),
  lastRefreshedAt: Optional(DateTime()),
});

/** One booking's event in the provider's calendar and its sync state. */
export const CalendarEventSyncContract = Type.Object({
  bookingId: Type.String(),
  providerId: Type.String(),
  bookingNumber: Optional(Type.String()),
  desired: OneOf(['present', 'absent']),
  status: OneOf(['pending', 'synced', 'deleted', 'failed', 'not_applicable']),
  calendarProvider: Optional(OneOf(CALENDARS)),
  externalEventId: Optional(Type.String()),
  eventLink: Optional(Type.String()),
  start: Optional(DateTime()),
  end: Optional(DateTime()),
  attempts: Integer(),
  lastError: Optional(Type.String()),
  nextAttemptAt: Optional(DateTime()),
  updatedAt: Optional(DateTime()),
});

export const CalendarAuthorizationContract = Type.Object({
  calendarProvider: OneOf(CALENDARS),
  authorizationUrl: Type.String({ format: 'uri' }),
  state: Type.String(),
  expiresAt: DateTime(),
});

export type CalendarConnectionView = Static<typeof CalendarConnectionContract>;
export type CalendarEventSyncView = Static<typeof CalendarEventSyncContract>;
export type CalendarAuthorizationView = Static<typeof CalendarAuthorizationContract>;
