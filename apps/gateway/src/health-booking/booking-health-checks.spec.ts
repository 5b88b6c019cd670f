import type { BookingSide, PaymentSide } from '../admin/booking-health.js';
import { type Answer, type JobFreshness, bookingHealthChecks, overallStatus } from './booking-health-checks.js';

const limits = { pendingWarnCount: 100, expiringSoonWarnCount: 20, holdsWarnAmountCents: 1_000_000 };
const bookings = (pendingCount: number, expiringSoonCount = 0): Answer<BookingSide> => ({
  ok: true,
  value: { pendingCount, expiringSoonCount, expiredToday: 0, providerStats: [], needsAdmin: { count: 0, oldestSince: null } },
});
const payments = (amounts: Record<string, number>): Answer<PaymentSide> => ({
  ok: true,
  value: {
    activeHoldsCount: 2,
    activeHoldsAmountCents: amounts,
    holdsAging: { under24h: 2, days1to3: 0, days3to5: 0, days5to7: 0, over7days: 0 },
    capturesDeferred: 0,
    expiringWithin24h: 0,
  },
});
const jobs = (...fresh: boolean[]): Answer<JobFreshness[]> => ({ ok: true, value: fresh.map((f, i) => ({ name: `job-${i}`, fresh: f, lastSuccessAt: null })) });

describe('/health/booking checks', () => {
  it('is healthy below every threshold', () => {
    const checks = bookingHealthChecks(bookings(99, 19), payments({ usd: 999_999 }), jobs(true, true), limits);
    expect(overallStatus(checks)).toBe('healthy');
    expect(checks.paymentHolds).toEqual({ status: 'healthy', amountCents: { usd: 999_999 }, count: 2 });
  });

  it('is degraded when a count or a currency’s held amount reaches its threshold', () => {
    expect(overallStatus(bookingHealthChecks(bookings(100), payments({}), jobs(true), limits))).toBe('degraded');
    expect(overallStatus(bookingHealthChecks(bookings(0, 20), payments({}), jobs(true), limits))).toBe('degraded');
    const holds = bookingHealthChecks(bookings(0), payments({ usd: 10, eur: 1_000_000 }), jobs(true), limits);
    expect(holds.paymentHolds.status).toBe('warning');
    expect(overallStatus(holds)).toBe('degraded');
  });

  it('is unhealthy when a job is stale or a service does not answer, whatever else warns', () => {
    expect(overallStatus(bookingHealthChecks(bookings(500), payments({}), jobs(true, false), limits))).toBe('unhealthy');
    const down = bookingHealthChecks({ ok: false, error: 'UPSTREAM_UNAVAILABLE' }, payments({}), { ok: false, error: 'UPSTREAM_TIMEOUT' }, limits);
    expect(down.database).toEqual({ status: 'unhealthy', error: 'UPSTREAM_UNAVAILABLE' });
    expect(down.cronJobs).toEqual({ status: 'unhealthy', error: 'UPSTREAM_TIMEOUT' });
    expect(overallStatus(down)).toBe('unhealthy');
  });
});
