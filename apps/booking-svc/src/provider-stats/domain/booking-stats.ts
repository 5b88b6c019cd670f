/** The spec's Provider.bookingStats (the fields booking-svc keeps). */
export interface BookingStats {
  totalRequests: number;
  totalConfirmed: number;
  totalCompleted: number;
  totalCancelled: number;
  totalExpired: number;
  totalNoShow: number;
  avgResponseTimeMinutes?: number;
  medianResponseTimeMinutes?: number;
  /** Percent of requests confirmed. */
  confirmationRate?: number;
  /** Percent of confirmed bookings completed. */
  completionRate?: number;
  /** In cents. */
  totalRevenue: number;
  /** totalRevenue / totalCompleted, in cents. */
  avgBookingValue?: number;
  lastBookingAt?: Date;
  lastCompletedAt?: Date;
  /** When the figures were last brought up to date (the booking event's time). */
  lastCalculatedAt?: Date;
  // Bookkeeping behind the rates and the median (provider-stats.ts), kept with the totals.
  /** Requests the provider answered: confirmed, declined or proposed another time. */
  totalResponded: number;
  /** Instant bookings confirmed: in totalRequests and totalConfirmed, outside the request-flow rates. */
  totalInstant: number;
  /** Confirmed bookings the provider cancelled afterwards (count against completionRate). */
  totalProviderCancelledAfterConfirm: number;
  /** Answers with a measured response time: the count of avgResponseTimeMinutes' running mean. */
  responseTimeSamples: number;
  /** The last 100 response times in minutes, oldest first: the window of medianResponseTimeMinutes. */
  recentResponseMinutes: number[];
}

export const EMPTY_BOOKING_STATS: BookingStats = {
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

/**
 * The response-time line of the spec's booking mode badge (BookingModeBadge._formatResponseTime), same
 * wording and thresholds. Null without data: the spec's widget then shows its own fallback
 * ("Usually responds within 24 hours"); a server should not present a guess as a measurement.
 */
export function responseTimeSummary(stats: Pick<BookingStats, 'avgResponseTimeMinutes'>): string | null {
  const minutes = stats.avgResponseTimeMinutes;
  if (minutes === undefined || minutes === null || !Number.isFinite(minutes)) return null;
  if (minutes < 60) return 'Usually responds within 1 hour';
  if (minutes < 180) return 'Usually responds within a few hours';
  if (minutes < 720) return 'Usually responds within 12 hours';
  return 'Usually responds within 24 hours';
}
