import type { BookingHealthView } from '@bp/contracts';

export interface BookingSide {
  pendingCount: number;
  expiringSoonCount: number;
  expiredToday: number;
  providerStats: BookingHealthView['providerStats'];
  /** Bookings flagged for an admin, and since when the oldest has waited. */
  needsAdmin: { count: number; oldestSince: string | null };
}

export interface PaymentSide {
  activeHoldsCount: number;
  activeHoldsAmountCents: Record<string, number>;
  holdsAging: { under24h: number; days1to3: number; days3to5: number; days5to7: number; over7days: number };
  capturesDeferred: number;
  expiringWithin24h: number;
}

/**
 * The spec's dashboard thresholds: a count above one is critical. The health answer carries them, so
 * the dashboard marks the same figures the banner lists without a second copy of the numbers.
 */
export const ALERT_THRESHOLDS = { pendingCount: 50, expiringSoonCount: 10, expiredToday: 5 } as const;

/** The spec's dashboard thresholds, as the alerts the banner lists. */
export function criticalAlerts(bookings: BookingSide, payments: PaymentSide): string[] {
  const { pendingCount, expiringSoonCount, expiredToday } = ALERT_THRESHOLDS;
  return [
    bookings.pendingCount > pendingCount && `${bookings.pendingCount} requests are waiting for providers (over ${pendingCount})`,
    bookings.expiringSoonCount > expiringSoonCount && `${bookings.expiringSoonCount} requests expire within 4 hours (over ${expiringSoonCount})`,
    bookings.expiredToday > expiredToday && `${bookings.expiredToday} requests expired today (over ${expiredToday})`,
    bookings.needsAdmin.count > 0 && `${bookings.needsAdmin.count} bookings wait for an admin (GET /api/admin/bookings/needs-admin)`,
    payments.holdsAging.days5to7 > 0 && `${payments.holdsAging.days5to7} payment holds are 5–7 days old and lapse soon`,
    payments.holdsAging.over7days > 0 && `${payments.holdsAging.over7days} payment holds are older than 7 days`,
    payments.capturesDeferred > 0 && `${payments.capturesDeferred} captures are waiting: payment.disable_captures is on`,
  ].filter((alert): alert is string => typeof alert === 'string');
}
