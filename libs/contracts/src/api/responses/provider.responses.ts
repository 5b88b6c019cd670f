import { type Static, Type } from '@sinclair/typebox';
import { DateTime, Integer, Nullable, OneOf, OpenObject } from './json-schema.js';

const Optional = Type.Optional;
const MODES = ['instant', 'request'] as const;

const ServiceOffered = Type.Object({
  id: Type.String(),
  name: Type.String(),
  category: Type.String(),
  durationMinutes: Integer(),
  priceCents: Integer(),
  currency: Type.String({ description: 'Lowercase ISO 4217 code' }),
  description: Optional(Type.String()),
});

/** The full record as its owner and admins see it (booking-svc's providerView). */
export const ProviderContract = Type.Object({
  id: Type.String(),
  displayName: Optional(Type.String({ description: 'The name patients and admins see' })),
  timezone: Type.String({ description: 'IANA zone of the weekly hours and overrides' }),
  services: Type.Array(ServiceOffered),
  schedule: Type.Object({ weeklyHours: OpenObject({ description: 'Per weekday, the working spans' }), overrides: Type.Array(OpenObject()) }),
  settings: OpenObject(),
  calendarConnected: Type.Boolean(),
  stats: OpenObject(),
  trustScore: OpenObject(),
  mode: OneOf(MODES, { description: 'How the provider books now: instant with a connected calendar, else by request' }),
  version: Integer(),
});

/** What anyone signed in sees to book the provider. */
export const ProviderProfileContract = Type.Object({
  id: Type.String(),
  displayName: Nullable(Type.String()),
  timezone: Type.String(),
  mode: Nullable(OneOf(MODES), { description: 'How the provider can be booked now; null when not at all (feature flags)' }),
  bookable: Type.Boolean(),
  services: Type.Array(ServiceOffered),
  responseTime: Type.Object({ summary: Nullable(Type.String()), avgResponseTimeMinutes: Nullable(Type.Number()) }),
});

export const AvailabilityContract = Type.Object(
  {
    providerId: Type.String(),
    serviceId: Type.String(),
    providerTimezone: Type.String({ description: 'The provider’s IANA time zone: their working hours are in it.' }),
    requesterTimezone: Type.String({ description: 'The zone asked for (X-Timezone or `timezone`), else the provider’s.' }),
    durationMinutes: Integer({ minimum: 1 }),
    slots: Type.Array(Type.Object({ start: DateTime(), end: DateTime() }, { additionalProperties: false })),
  },
  {
    description:
      'Free slots in UTC. Each slot is given once, as instants; render them in providerTimezone or requesterTimezone (IANA names) on the client. Every slot lasts durationMinutes.',
  },
);

export type ProviderView = Static<typeof ProviderContract>;
export type ProviderProfileView = Static<typeof ProviderProfileContract>;
export type AvailabilityView = Static<typeof AvailabilityContract>;
