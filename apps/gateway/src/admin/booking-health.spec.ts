import { ALERT_THRESHOLDS, criticalAlerts } from './booking-health.js';

const quiet = {
  bookings: { pendingCount: 50, expiringSoonCount: 10, expiredToday: 5, providerStats: [], needsAdmin: { count: 0, oldestSince: null } },
  payments: {
    activeHoldsCount: 3,
    activeHoldsAmountCents: { usd: 30_000 },
    holdsAging: { under24h: 3, days1to3: 0, days3to5: 0, days5to7: 0, over7days: 0 },
    capturesDeferred: 0,
    expiringWithin24h: 0,
  },
};

describe('criticalAlerts', () => {
  it('alerts above the spec’s dashboard thresholds, which the health answer carries for the dashboard', () => {
    expect(ALERT_THRESHOLDS).toEqual({ pendingCount: 50, expiringSoonCount: 10, expiredToday: 5 });
  });

  it('stays silent at the spec’s thresholds', () => {
    expect(criticalAlerts(quiet.bookings, quiet.payments)).toEqual([]);
  });

  it('raises one alert per threshold crossed', () => {
    const alerts = criticalAlerts(
      { ...quiet.bookings, pendingCount: 51, expiringSoonCount: 11, expiredToday: 6, needsAdmin: { count: 2, oldestSince: '2030-01-01T00:00:00.000Z' } },
      { ...quiet.payments, holdsAging: { ...quiet.payments.holdsAging, days5to7: 1, over7days: 2 }, capturesDeferred: 4 },
    );
    expect(alerts).toHaveLength(7);
    expect(alerts.join('\n')).toMatch(
      /51 requests are waiting[\s\S]*11 requests expire[\s\S]*6 requests expired[\s\S]*2 bookings wait for an admin[\s\S]*5–7 days[\s\S]*older than 7 days[\s\S]*4 captures are waiting/,
    );
  });
});
