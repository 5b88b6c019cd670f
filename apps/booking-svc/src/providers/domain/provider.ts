import { BookingError, BookingErrorCode } from '../../shared/domain/booking-error.js';
import { type BookingMode, type BookingSettings, DEFAULT_BOOKING_SETTINGS, effectiveMode, updateSettings } from './booking-settings.js';
import { type BookingStats, EMPTY_BOOKING_STATS } from '../../provider-stats/domain/booking-stats.js';
import { type ProviderService, type ProviderServiceInput, checkServices } from './provider-service.js';
import type { TrustScore } from '../../provider-stats/domain/provider-stats.js';
import { type DateOverride, type Schedule, type WeeklyHours, validateSchedule } from './schedule.js';

/** A provider as booking-svc knows them: where they work, when, what they offer and how they book. */
export interface Provider {
  id: string;
  /** The name patients and admins see (the practice or the clinician), when given. */
  displayName?: string;
  /** IANA time zone of the weekly hours and overrides. */
  timezone: string;
  settings: BookingSettings;
  schedule: { weeklyHours: WeeklyHours; overrides: DateOverride[] };
  services: ProviderService[];
  calendarConnected: boolean;
  stats: BookingStats;
  /** Kept up to date from booking events (provider-stats.ts); absent until the first one. */
  trustScore?: TrustScore;
  /** Bumped by every change; writes are conditional on it. */
  version: number;
}

/** What booking a provider needs of them (everything but the stats, which live apart and change with every booking). */
export type BookableProvider = Omit<Provider, 'stats' | 'trustScore'>;

/** A settings change as callers give it: any subset, auto-confirm included. */
export type SettingsChange = Partial<Omit<BookingSettings, 'autoConfirm'>> & { autoConfirm?: Partial<BookingSettings['autoConfirm']> };

export interface DefineProviderInput {
  id: string;
  displayName?: string;
  timezone: string;
  services: ProviderServiceInput[];
  weeklyHours: WeeklyHours;
  overrides?: DateOverride[];
  settings?: SettingsChange;
  calendarConnected?: boolean;
}

const PROVIDER_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The problems a domain check reports, or none; anything else it throws is a bug and goes on up. */
function problemsOf(check: () => unknown, prefix = ''): string[] {
  try {
    check();
    return [];
  } catch (error) {
    if (!(error instanceof BookingError) || error.code !== BookingErrorCode.ValidationFailed) throw error;
    return ((error.details?.['problems'] as string[] | undefined) ?? [error.message]).map((problem) => `${prefix}${problem}`);
  }
}

function invalid(message: string, problems: string[]): BookingError {
  return new BookingError(BookingErrorCode.ValidationFailed, message, { problems });
}

/** Applies a settings change within the bounds; the change may be partial, auto-confirm included. */
export function changeSettings(current: BookingSettings, change: SettingsChange): BookingSettings {
  const given = <T extends object>(fields: T) => Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as T;
  const { autoConfirm, ...rest } = change;
  return updateSettings(current, { ...given(rest), ...(autoConfirm ? { autoConfirm: given(autoConfirm) } : {}) } as Partial<BookingSettings>);
}

/** A new provider, checked as a whole: every problem of id, time zone, schedule, services and settings at once. */
export function defineProvider(input: DefineProviderInput): Provider {
  const schedule: Schedule = { timezone: input.timezone, weeklyHours: input.weeklyHours, overrides: input.overrides ?? [] };
  const { services, problems: serviceProblems } = checkServices(input.services);
  let settings = DEFAULT_BOOKING_SETTINGS;
  const problems = [
    ...(PROVIDER_ID.test(input.id) ? [] : ['id must be 1–64 characters of A–Z, a–z, 0–9, . _ : -']),
    ...problemsOf(() => validateSchedule(schedule)),
    ...serviceProblems,
    ...problemsOf(() => (settings = changeSettings(DEFAULT_BOOKING_SETTINGS, input.settings ?? {})), 'settings.'),
  ];
  if (problems.length > 0) throw invalid('Provider profile is invalid', problems);
  const displayName = input.displayName?.trim();
  return {
    id: input.id,
    ...(displayName ? { displayName } : {}),
    timezone: input.timezone,
    settings,
    schedule: { weeklyHours: schedule.weeklyHours, overrides: schedule.overrides },
    services,
    calendarConnected: input.calendarConnected ?? false,
    stats: { ...EMPTY_BOOKING_STATS },
    version: 1,
  };
}

/** The provider's schedule in the shape availability works with. */
export function scheduleOf(provider: Pick<Provider, 'timezone' | 'schedule'>): Schedule {
  return { timezone: provider.timezone, weeklyHours: provider.schedule.weeklyHours, overrides: provider.schedule.overrides };
}

/** A checked replacement schedule (time zone included, since the hours mean nothing without it). */
export function checkSchedule(schedule: Schedule): Schedule {
  return validateSchedule({ timezone: schedule.timezone, weeklyHours: schedule.weeklyHours, overrides: schedule.overrides });
}

/** A checked replacement service list, in stored form. */
export function checkServiceList(input: ProviderServiceInput[]): ProviderService[] {
  const { services, problems } = checkServices(input);
  if (problems.length > 0) throw invalid('Services are invalid', problems);
  return services;
}

export function bookingMode(provider: Pick<Provider, 'settings' | 'calendarConnected'>): BookingMode {
  return effectiveMode(provider.settings, provider.calendarConnected);
}
