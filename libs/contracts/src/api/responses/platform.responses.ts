import { type Static, Type } from '@sinclair/typebox';
import { DateTime, Integer, MapOf, Nullable, OneOf, OpenObject, Ref } from './json-schema.js';

const Optional = Type.Optional;

/** One feature flag: its definition, global value and the setting an admin gave it. */
export const FeatureFlagContract = Type.Object({
  name: Type.String(),
  kind: OneOf(['boolean', 'percentage']),
  default: Type.Union([Type.Boolean(), Type.Integer()]),
  description: Type.String(),
  value: Type.Boolean({ description: 'The global value (no provider context)' }),
  setting: Optional(OpenObject()),
});

export const FeatureFlagListContract = Type.Array(Ref('FeatureFlag', FeatureFlagContract));

export const FeatureFlagAcceptedContract = Type.Object({
  name: Type.String(),
  enabled: Optional(Type.Boolean()),
  percentage: Optional(Integer()),
  accepted: Type.Boolean(),
});

/** The admin dashboard's booking health: booking-svc's counts and leaderboard, payment-svc's holds, and the alerts. */
export const BookingHealthContract = Type.Object({
  pendingCount: Integer(),
  expiringSoonCount: Integer({ description: 'Requests whose confirmation deadline is within 4 hours' }),
  expiredToday: Integer(),
  activeHoldsCount: Integer(),
  activeHoldsAmountCents: MapOf(Integer(), { description: 'Per currency' }),
  holdsAging: Type.Object({ under24h: Integer(), days1to3: Integer(), days3to5: Integer(), days5to7: Integer(), over7days: Integer() }),
  capturesDeferred: Integer(),
  expiringWithin24h: Integer(),
  providerStats: Type.Array(
    Type.Object({
      providerId: Type.String(),
      providerName: Nullable(Type.String()),
      pendingCount: Integer(),
      avgResponseTimeMinutes: Nullable(Type.Number()),
      confirmationRate: Nullable(Type.Number()),
      expiredCount30d: Integer(),
    }),
  ),
  needsAdmin: Type.Object(
    { count: Integer(), oldestSince: Nullable(DateTime()) },
    { description: 'Bookings flagged for an admin (GET /api/admin/bookings/needs-admin)' },
  ),
  criticalAlerts: Type.Array(Type.String()),
  thresholds: Type.Object(
    { pendingCount: Integer(), expiringSoonCount: Integer(), expiredToday: Integer() },
    { description: 'Above these counts a figure is critical (and listed in criticalAlerts); any held-up booking, old hold or deferred capture is too' },
  ),
  generatedAt: DateTime(),
});

export const DevSignInContract = Type.Object(
  { token: Type.String(), role: OneOf(['provider', 'admin']), userId: Type.String(), expiresAt: DateTime() },
  { description: 'Development only: not served with NODE_ENV=production' },
);

export type FeatureFlagListView = Static<typeof FeatureFlagListContract>;
export type FeatureFlagAcceptedView = Static<typeof FeatureFlagAcceptedContract>;
export type BookingHealthView = Static<typeof BookingHealthContract>;
export type DevSignInView = Static<typeof DevSignInContract>;
