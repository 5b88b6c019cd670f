import type { SettingsChange } from '../domain/provider.js';
import type { ProviderServiceInput } from '../domain/provider-service.js';
import type { DateOverride, TimeWindow, WeeklyHours } from '../domain/schedule.js';
import type { DateOverrideRequest, ServiceRequest, SettingsRequest, TimeWindowRequest, WeeklyHoursRequest } from '@bp/contracts';

// Validated request DTOs → plain domain values (no class instances, no keys that were not sent).

const windows = (list: TimeWindowRequest[]): TimeWindow[] => list.map(({ start, end }) => ({ start, end }));

export function toWeeklyHours(request: WeeklyHoursRequest): WeeklyHours {
  return Object.fromEntries(Object.entries(request).flatMap(([day, list]) => (Array.isArray(list) ? [[day, windows(list)]] : []))) as WeeklyHours;
}

// An optional field may come as null (class-validator's IsOptional lets it through): no overrides, like leaving it out.
export const toOverrides = (list?: DateOverrideRequest[] | null): DateOverride[] => (list ?? []).map(({ date, windows: w }) => ({ date, windows: windows(w) }));

export function toServices(list: ServiceRequest[]): ProviderServiceInput[] {
  return list.map(({ id, name, category, durationMinutes, priceCents, currency, description }) => ({
    id,
    name,
    category,
    durationMinutes,
    priceCents,
    // null (which IsOptional lets through) is left out, like undefined: the defaults apply.
    ...(currency == null ? {} : { currency }),
    ...(description == null ? {} : { description }),
  }));
}

/** Settings as given; null, like leaving them out, changes none (the defaults on creation). */
export function toSettingsChange(request?: SettingsRequest | null): SettingsChange {
  const { autoConfirm, ...rest } = request ?? {};
  return { ...rest, ...(autoConfirm ? { autoConfirm: { ...autoConfirm } } : {}) };
}
