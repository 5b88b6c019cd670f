import { Schema } from 'mongoose';
import type { BookingSettings } from '../domain/booking-settings.js';
import type { ProviderService } from '../domain/provider-service.js';
import type { DateOverride, TimeWindow, WeeklyHours } from '../domain/schedule.js';

export const PROVIDER_MODEL = 'Provider';

/** A provider's profile. Its stats live in their own collection (provider-stats.store.ts). */
export interface ProviderDocument {
  _id: string;
  displayName?: string;
  timezone: string;
  settings: BookingSettings;
  weeklyHours: WeeklyHours;
  overrides: DateOverride[];
  services: ProviderService[];
  calendarConnected: boolean;
  /**
   * Which step of a walk over every provider visits it (shared/infrastructure/walk-bucket.ts). This
   * release walks the stats documents instead; still written so the release before, which walked the
   * providers, sees every provider if it is rolled back to.
   */
  walkBucket: number;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

// Sub-documents carry no _id (and `id` is a real field of a service, not mongoose's virtual).
const plain = { _id: false, id: false } as const;

const TimeWindowSchema = new Schema<TimeWindow>({ start: { type: String, required: true }, end: { type: String, required: true } }, plain);

// A day without an entry has no windows; `default: undefined` keeps absent days absent instead of [].
const day = { type: [TimeWindowSchema], default: undefined };
const WeeklyHoursSchema = new Schema<WeeklyHours>({ '1': day, '2': day, '3': day, '4': day, '5': day, '6': day, '7': day }, plain);

const DateOverrideSchema = new Schema<DateOverride>({ date: { type: String, required: true }, windows: { type: [TimeWindowSchema], default: [] } }, plain);

const ServiceSchema = new Schema<ProviderService>(
  {
    id: { type: String, required: true },
    name: { type: String, required: true },
    category: { type: String, required: true },
    durationMinutes: { type: Number, required: true },
    priceCents: { type: Number, required: true },
    currency: { type: String, required: true },
    description: { type: String },
  },
  plain,
);

const SettingsSchema = new Schema<BookingSettings>(
  {
    mode: { type: String, required: true, enum: ['instant', 'request'] },
    modeOverride: { type: Boolean, required: true },
    autoConfirm: { enabled: { type: Boolean, required: true }, maxDailyAutoConfirm: { type: Number, required: true } },
    confirmationDeadlineHours: { type: Number, required: true },
    minimumNoticeHours: { type: Number, required: true },
    maximumAdvanceDays: { type: Number, required: true },
    bufferMinutes: { type: Number, required: true },
    allowReschedule: { type: Boolean, required: true },
    maxRescheduleAttempts: { type: Number, required: true },
    rescheduleNoticeHours: { type: Number, required: true },
    allowCancellation: { type: Boolean, required: true },
    cancellationNoticeHours: { type: Number, required: true },
    cancellationFeePercent: { type: Number, required: true },
    slotDurationMinutes: { type: Number, required: true },
    allowMultipleServices: { type: Boolean, required: true },
  },
  plain,
);

export const ProviderSchema = new Schema<ProviderDocument>(
  {
    _id: { type: String, required: true },
    displayName: { type: String },
    timezone: { type: String, required: true },
    settings: { type: SettingsSchema, required: true },
    weeklyHours: { type: WeeklyHoursSchema, required: true },
    overrides: { type: [DateOverrideSchema], default: [] },
    services: { type: [ServiceSchema], default: [] },
    calendarConnected: { type: Boolean, required: true },
    walkBucket: { type: Number, required: true },
    version: { type: Number, required: true },
  },
  { collection: 'providers', versionKey: false, timestamps: true, minimize: false },
);
ProviderSchema.index({ walkBucket: 1 });
