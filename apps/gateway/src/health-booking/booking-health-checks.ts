import type { BookingSide, PaymentSide } from '../admin/booking-health.js';

export type CheckStatus = 'healthy' | 'warning' | 'unhealthy';
export type OverallStatus = 'healthy' | 'degraded' | 'unhealthy';

export interface HealthThresholds {
  pendingWarnCount: number;
  expiringSoonWarnCount: number;
  holdsWarnAmountCents: number;
}

export interface JobFreshness {
  name: string;
  fresh: boolean;
  lastSuccessAt: string | null;
}

/** What each upstream answered, or the reason it could not. */
export type Answer<T> = { ok: true; value: T } | { ok: false; error: string };

export interface BookingHealthChecks {
  database: { status: CheckStatus; error?: string };
  pendingBookings: { status: CheckStatus; count?: number; error?: string };
  expiringSoon: { status: CheckStatus; count?: number; error?: string };
  paymentHolds: { status: CheckStatus; amountCents?: Record<string, number>; count?: number; error?: string };
  cronJobs: { status: CheckStatus; jobs?: Array<{ name: string; fresh: boolean; lastSuccessAt: string | null }>; error?: string };
}

/**
 * The spec's /health/booking checks: booking-svc and its database answering, requests waiting and
 * expiring within 4 hours (a warning at the thresholds), money held on cards per currency (a warning
 * at the threshold), and every scheduler job fresh (a stale job, or no answer, is unhealthy).
 */
export function bookingHealthChecks(
  bookings: Answer<BookingSide>,
  payments: Answer<PaymentSide>,
  jobs: Answer<JobFreshness[]>,
  limits: HealthThresholds,
): BookingHealthChecks {
  const warnAt = (count: number, limit: number): CheckStatus => (count < limit ? 'healthy' : 'warning');
  const down = (error: string) => ({ status: 'unhealthy' as const, error });
  return {
    database: bookings.ok ? { status: 'healthy' } : down(bookings.error),
    pendingBookings: bookings.ok
      ? { status: warnAt(bookings.value.pendingCount, limits.pendingWarnCount), count: bookings.value.pendingCount }
      : down(bookings.error),
    expiringSoon: bookings.ok
      ? { status: warnAt(bookings.value.expiringSoonCount, limits.expiringSoonWarnCount), count: bookings.value.expiringSoonCount }
      : down(bookings.error),
    paymentHolds: payments.ok
      ? {
          status: Object.values(payments.value.activeHoldsAmountCents).some((amount) => amount >= limits.holdsWarnAmountCents) ? 'warning' : 'healthy',
          amountCents: payments.value.activeHoldsAmountCents,
          count: payments.value.activeHoldsCount,
        }
      : down(payments.error),
    cronJobs: jobs.ok
      ? {
          status: jobs.value.every((job) => job.fresh) ? 'healthy' : 'unhealthy',
          jobs: jobs.value.map(({ name, fresh, lastSuccessAt }) => ({ name, fresh, lastSuccessAt })),
        }
      : down(jobs.error),
  };
}

/** Healthy when every check is, unhealthy when any is, degraded otherwise (only warnings). */
export function overallStatus(checks: BookingHealthChecks): OverallStatus {
  const statuses = Object.values(checks).map((check: { status: CheckStatus }) => check.status);
  if (statuses.every((status) => status === 'healthy')) return 'healthy';
  return statuses.includes('unhealthy') ? 'unhealthy' : 'degraded';
}
