import { createNamedIndexes, defineMigration, dropNamedIndexes, fillMissing, removeFilled, type NamedIndex } from '@bp/platform';

/*
 * The spec's first migration (add_booking_request_fields), in booking-svc's own database and field
 * names. The values are written out here rather than imported from the domain: an applied migration
 * must keep doing what it did even when the domain's defaults change later.
 *
 * - Providers get the booking settings and stats they lack. A provider without a mode books by its
 *   calendar: instant when connected, request otherwise (the spec's step 3), with no admin override.
 *   Present values are never touched (the mode of an existing provider already follows its calendar
 *   through `effectiveMode` unless an admin fixed it).
 * - Bookings from before the request flow (no `bookingType`) were instant bookings: they get the type,
 *   a confirmation that was not required, an empty reschedule record (2 attempts), notes, audit and a
 *   version.
 * - Indexes: pending requests by provider and deadline, and bookings by payment intent. The spec's
 *   `bookingevents` collection is the audit trail inside each booking here, and its slot reservation
 *   indexes are declared by the reservation schema; its TTL index is not wanted (deadlines are
 *   predicates on expiresAt, ARCHITECTURE.md).
 *
 * `down` removes exactly the fields `up` added (document by document) and the two indexes; fields the
 * documents already had, and documents created since, are left as they are.
 */

// The defaults as they were when this migration was written, copied on purpose rather than imported:
// a migration must do the same thing forever, even after the domain's defaults change.
const providerSettingsDefaults = (calendarConnected: boolean) => ({
  mode: calendarConnected ? 'instant' : 'request',
  modeOverride: false,
  autoConfirm: { enabled: false, maxDailyAutoConfirm: 10 },
  confirmationDeadlineHours: 24,
  minimumNoticeHours: 24,
  maximumAdvanceDays: 60,
  bufferMinutes: 15,
  allowReschedule: true,
  maxRescheduleAttempts: 2,
  rescheduleNoticeHours: 24,
  allowCancellation: true,
  cancellationNoticeHours: 24,
  cancellationFeePercent: 0,
  slotDurationMinutes: 30,
  allowMultipleServices: false,
});

const emptyStats = {
  totalRequests: 0,
  totalConfirmed: 0,
  totalCompleted: 0,
  totalCancelled: 0,
  totalExpired: 0,
  totalNoShow: 0,
  totalRevenue: 0,
  totalResponded: 0,
  totalInstant: 0,
  totalProviderCancelledAfterConfirm: 0,
  responseTimeSamples: 0,
  recentResponseMinutes: [],
};

const legacyBookingDefaults = {
  bookingType: 'instant',
  confirmation: { required: false },
  reschedule: { count: 0, maxAttempts: 2, history: [] },
  notes: {},
  audit: [],
  version: 1,
};

const bookingIndexes: NamedIndex[] = [
  { name: 'pending_expiration_lookup', keys: { providerId: 1, status: 1, 'confirmation.expiresAt': 1 } },
  { name: 'payment_intent_lookup', keys: { 'payment.paymentIntentId': 1 }, options: { sparse: true } },
];

export const bookingRequestFields = defineMigration(
  {
    version: '20260115000000',
    name: 'booking-request-fields',
    async up(context) {
      await fillMissing(context, {
        collection: 'providers',
        filter: {},
        defaultsFor: (provider) => {
          const calendarConnected = provider['calendarConnected'] === true;
          return { calendarConnected, settings: providerSettingsDefaults(calendarConnected), stats: emptyStats, version: 1 };
        },
      });
      await fillMissing(context, { collection: 'bookings', filter: { bookingType: { $exists: false } }, defaultsFor: () => legacyBookingDefaults });
      await createNamedIndexes(context, 'bookings', bookingIndexes);
    },
    async down(context) {
      await dropNamedIndexes(
        context,
        'bookings',
        bookingIndexes.map((index) => index.name),
      );
      await removeFilled(context, 'bookings');
      await removeFilled(context, 'providers');
    },
  },
  import.meta.url,
);
