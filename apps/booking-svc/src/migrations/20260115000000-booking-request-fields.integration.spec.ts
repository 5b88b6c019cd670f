import { MIGRATION_UNDO_COLLECTION, indexNames } from '@bp/platform';
import { migrationSpecDatabase } from '@bp/testing';
import { bookingRequestFields } from './20260115000000-booking-request-fields.js';

const at = new Date('2025-11-02T10:00:00Z');
const weeklyHours = { '1': [{ start: '09:00', end: '17:00' }] };

const fullSettings = {
  mode: 'instant',
  modeOverride: true,
  autoConfirm: { enabled: true, maxDailyAutoConfirm: 4 },
  confirmationDeadlineHours: 12,
  minimumNoticeHours: 2,
  maximumAdvanceDays: 30,
  bufferMinutes: 10,
  allowReschedule: false,
  maxRescheduleAttempts: 1,
  rescheduleNoticeHours: 12,
  allowCancellation: true,
  cancellationNoticeHours: 48,
  cancellationFeePercent: 50,
  slotDurationMinutes: 45,
  allowMultipleServices: true,
};
const fullStats = {
  totalRequests: 9,
  totalConfirmed: 7,
  totalCompleted: 5,
  totalCancelled: 1,
  totalExpired: 1,
  totalNoShow: 0,
  totalRevenue: 50_000,
  totalResponded: 8,
  totalInstant: 1,
  totalProviderCancelledAfterConfirm: 0,
  responseTimeSamples: 8,
  recentResponseMinutes: [30, 45],
};

/** Providers as an older release left them, and one the current release wrote. */
const seededProviders = [
  // Before booking settings existed, with a connected calendar: books instantly.
  { _id: 'legacy-connected', timezone: 'America/Denver', weeklyHours, calendarConnected: true, createdAt: at },
  // Without even a calendar flag: request booking, not connected.
  { _id: 'legacy-unknown', timezone: 'Europe/London', weeklyHours, createdAt: at },
  // Partly set: an admin fixed the mode; some settings and stats were already kept.
  {
    _id: 'partial',
    timezone: 'Europe/Paris',
    weeklyHours,
    calendarConnected: false,
    settings: { mode: 'instant', modeOverride: true, confirmationDeadlineHours: 48 },
    stats: { totalRequests: 5, totalConfirmed: 4 },
    version: 3,
    createdAt: at,
  },
  { _id: 'current', timezone: 'Asia/Tokyo', weeklyHours, calendarConnected: false, settings: fullSettings, stats: fullStats, version: 8, createdAt: at },
];

const requestBooking = {
  _id: 'bk-request',
  bookingNumber: 'BK-2',
  providerId: 'current',
  bookingType: 'request',
  status: 'pending_confirmation',
  confirmation: { required: true, expiresAt: new Date('2025-11-03T10:00:00Z') },
  reschedule: { count: 1, maxAttempts: 3, history: [] },
  notes: { patientNotes: 'knee' },
  audit: [{ eventType: 'BookingRequested', timestamp: at }],
  version: 4,
  createdAt: at,
};
const seededBookings = [
  // From before the request flow: an instant booking with none of its fields.
  { _id: 'bk-legacy', bookingNumber: 'BK-1', providerId: 'legacy-connected', status: 'confirmed', createdAt: at },
  // Legacy, but with notes already.
  { _id: 'bk-legacy-notes', bookingNumber: 'BK-3', providerId: 'legacy-unknown', status: 'completed', notes: { patientNotes: 'back' }, createdAt: at },
  requestBooking,
];

const defaultSettings = (mode: 'instant' | 'request') => ({
  mode,
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
const emptyStats = { ...Object.fromEntries(Object.keys(fullStats).map((k) => [k, 0])), recentResponseMinutes: [] };
const legacyBookingFields = {
  bookingType: 'instant',
  confirmation: { required: false },
  reschedule: { count: 0, maxAttempts: 2, history: [] },
  audit: [],
  version: 1,
};

describe("booking-svc migration 20260115000000 booking-request-fields (the spec's add_booking_request_fields)", () => {
  // This migration alone: later ones change these documents again (and have their own specs).
  const { db, runner } = migrationSpecDatabase('booking_migration', [bookingRequestFields]);
  const providers = async () => db.collection('providers').find({}).sort({ _id: 1 }).toArray();
  const bookings = async () => db.collection('bookings').find({}).sort({ _id: 1 }).toArray();
  const byId = (list: object[]) => [...list].sort((a, b) => String((a as { _id: unknown })._id).localeCompare(String((b as { _id: unknown })._id)));

  beforeEach(async () => {
    await db.collection('providers').insertMany(seededProviders.map((p) => ({ ...p })) as never[]);
    await db.collection('bookings').insertMany(seededBookings.map((b) => ({ ...b })) as never[]);
  });

  it('gives legacy providers default settings, a mode from their calendar and empty stats, filling only what partial ones lack', async () => {
    await runner().up();

    const [connected, unknown, partial, current] = ['legacy-connected', 'legacy-unknown', 'partial', 'current'].map(
      (id) => seededProviders.find((p) => p._id === id) as Record<string, unknown>,
    );
    expect(byId(await providers())).toEqual(
      byId([
        { ...connected, settings: defaultSettings('instant'), stats: emptyStats, version: 1 },
        { ...unknown, calendarConnected: false, settings: defaultSettings('request'), stats: emptyStats, version: 1 },
        {
          ...partial,
          // The admin's fixed mode and the deadline it had stay; the rest is the defaults.
          settings: { ...defaultSettings('request'), mode: 'instant', modeOverride: true, confirmationDeadlineHours: 48 },
          stats: { ...emptyStats, totalRequests: 5, totalConfirmed: 4 },
        },
        current,
      ]),
    );
  });

  it('marks bookings from before the request flow as instant ones that needed no confirmation, and leaves current bookings alone', async () => {
    await runner().up();

    expect(byId(await bookings())).toEqual(
      byId([{ ...seededBookings[0], ...legacyBookingFields, notes: {} }, { ...seededBookings[1], ...legacyBookingFields }, requestBooking]),
    );
  });

  it('creates the pending-expiration and payment-intent indexes on bookings', async () => {
    await runner().up();

    const indexes = await db.collection('bookings').listIndexes().toArray();
    expect(indexes.find((i) => i['name'] === 'pending_expiration_lookup')?.['key']).toEqual({ providerId: 1, status: 1, 'confirmation.expiresAt': 1 });
    expect(indexes.find((i) => i['name'] === 'payment_intent_lookup')?.['key']).toEqual({ 'payment.paymentIntentId': 1 });
  });

  it('changes nothing when its up runs again (a crash before its record was written)', async () => {
    await runner().up();
    const [afterProviders, afterBookings] = [await providers(), await bookings()];
    const undoEntries = await db.collection(MIGRATION_UNDO_COLLECTION).countDocuments();

    await bookingRequestFields.up({ db, version: bookingRequestFields.version, log: () => undefined });

    expect(await providers()).toEqual(afterProviders);
    expect(await bookings()).toEqual(afterBookings);
    expect(await db.collection(MIGRATION_UNDO_COLLECTION).countDocuments()).toBe(undoEntries);
  });

  it('down restores every document as it was and drops the indexes, keeping what was written meanwhile', async () => {
    await runner().up();
    // Written by the service after the migration: a new provider, and a booking of its own.
    const later = { _id: 'later', timezone: 'UTC', weeklyHours, calendarConnected: true, settings: defaultSettings('instant'), stats: emptyStats, version: 1 };
    await db.collection('providers').insertOne(later as never);

    await runner().down();

    expect(byId(await providers())).toEqual(byId([...seededProviders, later]));
    expect(byId(await bookings())).toEqual(byId(seededBookings));
    expect(await indexNames(db, 'bookings')).not.toContain('pending_expiration_lookup');
    expect(await indexNames(db, 'bookings')).not.toContain('payment_intent_lookup');
    expect(await db.collection(MIGRATION_UNDO_COLLECTION).countDocuments()).toBe(0);
    expect((await runner().status()).map((row) => row.state)).toEqual(['pending']);

    // And up again gives the same result as the first time.
    await runner().up();
    expect((await providers()).find((p) => String(p._id) === 'legacy-unknown')?.['settings']).toEqual(defaultSettings('request'));
  });
});
