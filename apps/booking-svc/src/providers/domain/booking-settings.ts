import { BookingError, BookingErrorCode } from '../../shared/domain/booking-error.js';

export type BookingMode = 'instant' | 'request';

/** The spec's Provider.bookingSettings (Provider model), with its bounds. */
export interface BookingSettings {
  mode: BookingMode;
  /** True when an admin fixed the mode; calendar connection changes then leave it alone. */
  modeOverride: boolean;
  autoConfirm: { enabled: boolean; maxDailyAutoConfirm: number };
  confirmationDeadlineHours: number;
  minimumNoticeHours: number;
  maximumAdvanceDays: number;
  bufferMinutes: number;
  allowReschedule: boolean;
  maxRescheduleAttempts: number;
  rescheduleNoticeHours: number;
  allowCancellation: boolean;
  cancellationNoticeHours: number;
  cancellationFeePercent: number;
  slotDurationMinutes: number;
  allowMultipleServices: boolean;
}

export const DEFAULT_BOOKING_SETTINGS: BookingSettings = {
  mode: 'request',
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
};

type NumericSetting =
  | 'confirmationDeadlineHours'
  | 'minimumNoticeHours'
  | 'maximumAdvanceDays'
  | 'bufferMinutes'
  | 'maxRescheduleAttempts'
  | 'rescheduleNoticeHours'
  | 'cancellationNoticeHours'
  | 'cancellationFeePercent'
  | 'slotDurationMinutes';

/** Inclusive integer bounds: the spec's where it gives them, sensible ones where it does not (written in docs/booking-core.md). */
export const SETTING_BOUNDS: Readonly<Record<NumericSetting, readonly [number, number]>> = {
  confirmationDeadlineHours: [4, 72],
  minimumNoticeHours: [1, 168],
  maximumAdvanceDays: [7, 365],
  bufferMinutes: [0, 60],
  maxRescheduleAttempts: [1, 5],
  rescheduleNoticeHours: [1, 168],
  cancellationNoticeHours: [0, 168],
  cancellationFeePercent: [0, 100],
  slotDurationMinutes: [5, 240],
};

export const AUTO_CONFIRM_DAILY_CAP_BOUNDS = [1, 100] as const;

/** Applies a partial change to settings, refusing (with every problem listed) anything out of bounds. */
export function updateSettings(current: BookingSettings, change: Partial<BookingSettings>): BookingSettings {
  const next: BookingSettings = { ...current, ...change, autoConfirm: { ...current.autoConfirm, ...change.autoConfirm } };
  const problems: string[] = [];
  for (const [name, [min, max]] of Object.entries(SETTING_BOUNDS) as [NumericSetting, readonly [number, number]][]) {
    const value = next[name];
    if (!Number.isInteger(value) || value < min || value > max) problems.push(`${name} must be an integer from ${min} to ${max}`);
  }
  const cap = next.autoConfirm.maxDailyAutoConfirm;
  if (!Number.isInteger(cap) || cap < AUTO_CONFIRM_DAILY_CAP_BOUNDS[0] || cap > AUTO_CONFIRM_DAILY_CAP_BOUNDS[1]) {
    problems.push(`autoConfirm.maxDailyAutoConfirm must be an integer from ${AUTO_CONFIRM_DAILY_CAP_BOUNDS[0]} to ${AUTO_CONFIRM_DAILY_CAP_BOUNDS[1]}`);
  }
  if (next.slotDurationMinutes % 5 !== 0) problems.push('slotDurationMinutes must be a multiple of 5');
  if (next.bufferMinutes % 5 !== 0) problems.push('bufferMinutes must be a multiple of 5');
  if (problems.length > 0) throw new BookingError(BookingErrorCode.ValidationFailed, 'Booking settings out of bounds', { problems });
  return next;
}

/**
 * The mode a provider books in: instant with a connected calendar, request otherwise, unless an admin
 * fixed it.
 */
export function effectiveMode(settings: Pick<BookingSettings, 'mode' | 'modeOverride'>, calendarConnected: boolean): BookingMode {
  if (settings.modeOverride) return settings.mode;
  return calendarConnected ? 'instant' : 'request';
}
