import type { BookingSettings } from '../domain/booking-settings.js';
import { type BookingStats, EMPTY_BOOKING_STATS } from '../../provider-stats/domain/booking-stats.js';
import type { BookableProvider, Provider } from '../domain/provider.js';
import type { ProviderService } from '../domain/provider-service.js';
import type { TrustScore } from '../../provider-stats/domain/provider-stats.js';
import type { DateOverride, TimeWindow, WeeklyHours } from '../domain/schedule.js';
import type { ProviderDocument } from './provider.schema.js';
import type { ProviderStatsDocument } from '../../provider-stats/infrastructure/provider-stats.store.js';
import { walkBucketOf } from '../../shared/infrastructure/walk-bucket.js';

type Stored = Omit<ProviderDocument, 'createdAt' | 'updatedAt'>;

/** Keeps only the fields that are set (the stored document leaves unset optional fields out). */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as T;
}

const windows = (list: TimeWindow[] | undefined): TimeWindow[] => (list ?? []).map(({ start, end }) => ({ start, end }));

function weeklyHours(stored: WeeklyHours | undefined): WeeklyHours {
  return Object.fromEntries(Object.entries(stored ?? {}).flatMap(([day, list]) => (Array.isArray(list) ? [[day, windows(list)]] : []))) as WeeklyHours;
}

const overrides = (stored: DateOverride[] | undefined): DateOverride[] => (stored ?? []).map((o) => ({ date: o.date, windows: windows(o.windows) }));

function services(stored: ProviderService[] | undefined): ProviderService[] {
  return (stored ?? []).map(({ id, name, category, durationMinutes, priceCents, currency, description }) =>
    defined({ id, name, category, durationMinutes, priceCents, currency, description }),
  );
}

function settings(s: BookingSettings): BookingSettings {
  const { mode, modeOverride, autoConfirm, confirmationDeadlineHours, minimumNoticeHours, maximumAdvanceDays, bufferMinutes } = s;
  const {
    allowReschedule,
    maxRescheduleAttempts,
    rescheduleNoticeHours,
    allowCancellation,
    cancellationNoticeHours,
    cancellationFeePercent,
    slotDurationMinutes,
    allowMultipleServices,
  } = s;
  return {
    mode,
    modeOverride,
    autoConfirm: { enabled: autoConfirm.enabled, maxDailyAutoConfirm: autoConfirm.maxDailyAutoConfirm },
    confirmationDeadlineHours,
    minimumNoticeHours,
    maximumAdvanceDays,
    bufferMinutes,
    allowReschedule,
    maxRescheduleAttempts,
    rescheduleNoticeHours,
    allowCancellation,
    cancellationNoticeHours,
    cancellationFeePercent,
    slotDurationMinutes,
    allowMultipleServices,
  };
}

function stats(s: BookingStats): BookingStats {
  const { totalRequests, totalConfirmed, totalCompleted, totalCancelled, totalExpired, totalNoShow, totalRevenue } = s;
  const { avgResponseTimeMinutes, medianResponseTimeMinutes, confirmationRate, completionRate, lastBookingAt, lastCompletedAt } = s;
  const { avgBookingValue, lastCalculatedAt, totalResponded, totalInstant, totalProviderCancelledAfterConfirm, responseTimeSamples, recentResponseMinutes } = s;
  return defined({
    totalRequests,
    totalConfirmed,
    totalCompleted,
    totalCancelled,
    totalExpired,
    totalNoShow,
    avgResponseTimeMinutes,
    medianResponseTimeMinutes,
    confirmationRate,
    completionRate,
    totalRevenue,
    avgBookingValue,
    lastBookingAt,
    lastCompletedAt,
    lastCalculatedAt,
    // Absent from documents written before they existed.
    totalResponded: totalResponded ?? 0,
    totalInstant: totalInstant ?? 0,
    totalProviderCancelledAfterConfirm: totalProviderCancelledAfterConfirm ?? 0,
    responseTimeSamples: responseTimeSamples ?? 0,
    recentResponseMinutes: [...(recentResponseMinutes ?? [])],
  });
}

function trustScore(t: TrustScore | undefined): TrustScore | undefined {
  if (!t) return undefined;
  const factor = (f: { weight: number; value: number }) => ({ weight: f.weight, value: f.value });
  const { responseRate, completionRate, noShowRate, reviewScore, accountAge } = t.factors;
  return {
    score: t.score,
    factors: {
      responseRate: factor(responseRate),
      completionRate: factor(completionRate),
      noShowRate: factor(noShowRate),
      reviewScore: factor(reviewScore),
      accountAge: factor(accountAge),
    },
    lastCalculatedAt: t.lastCalculatedAt,
  };
}

/** The bookable provider of a stored profile: exactly the domain's fields, nothing mongoose added. */
export function toBookableProvider(doc: ProviderDocument): BookableProvider {
  return {
    id: doc._id,
    ...(doc.displayName ? { displayName: doc.displayName } : {}),
    timezone: doc.timezone,
    settings: settings(doc.settings),
    schedule: { weeklyHours: weeklyHours(doc.weeklyHours), overrides: overrides(doc.overrides) },
    services: services(doc.services),
    calendarConnected: doc.calendarConnected,
    version: doc.version,
  };
}

/** The whole provider: the profile with its stats (empty until the first booking event is counted). */
export function toProvider(doc: ProviderDocument, statsDoc?: Pick<ProviderStatsDocument, 'stats' | 'trustScore'>): Provider {
  const trust = trustScore(statsDoc?.trustScore);
  return { ...toBookableProvider(doc), stats: stats(statsDoc?.stats ?? EMPTY_BOOKING_STATS), ...(trust ? { trustScore: trust } : {}) };
}

export function toDocument(provider: BookableProvider): Stored {
  const { id, displayName, schedule, timezone, settings: s, services: list, calendarConnected, version } = provider;
  return {
    _id: id,
    ...(displayName ? { displayName } : {}),
    timezone,
    settings: s,
    services: list,
    calendarConnected,
    walkBucket: walkBucketOf(id),
    version,
    weeklyHours: schedule.weeklyHours,
    overrides: schedule.overrides,
  };
}
