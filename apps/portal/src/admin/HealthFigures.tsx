import { formatMoney } from '../time/format.js';
import type { BookingHealth } from './types.js';

interface Figure {
  key: string;
  term: string;
  value: string;
  /** Why this figure needs attention, in words (the card is also marked in colour). */
  alert?: string;
}

function figuresOf(health: BookingHealth): Figure[] {
  const { thresholds } = health;
  const over = (value: number, limit: number) => (value > limit ? `over ${limit}` : undefined);
  const any = (value: number, words: string) => (value > 0 ? words : undefined);
  const amounts = Object.entries(health.activeHoldsAmountCents);
  return [
    { key: 'pendingCount', term: 'Pending requests', value: String(health.pendingCount), alert: over(health.pendingCount, thresholds.pendingCount) },
    {
      key: 'expiringSoonCount',
      term: 'Expiring within 4 h',
      value: String(health.expiringSoonCount),
      alert: over(health.expiringSoonCount, thresholds.expiringSoonCount),
    },
    { key: 'expiredToday', term: 'Expired today (UTC)', value: String(health.expiredToday), alert: over(health.expiredToday, thresholds.expiredToday) },
    { key: 'needsAdmin', term: 'Waiting for an admin', value: String(health.needsAdmin.count), alert: any(health.needsAdmin.count, 'act on them below') },
    { key: 'activeHoldsCount', term: 'Active payment holds', value: String(health.activeHoldsCount) },
    {
      key: 'activeHoldsAmount',
      term: 'Amount held',
      value: amounts.length === 0 ? 'none' : amounts.map(([currency, cents]) => formatMoney(cents, currency)).join(', '),
    },
    {
      key: 'expiringWithin24h',
      term: 'Holds lapsing within 24 h',
      value: String(health.expiringWithin24h),
      alert: any(health.expiringWithin24h, 'capture or release'),
    },
    {
      key: 'capturesDeferred',
      term: 'Captures deferred by the kill switch',
      value: String(health.capturesDeferred),
      alert: any(health.capturesDeferred, 'payment.disable_captures is on'),
    },
  ];
}

/** The dashboard's counts as cards, each critical one marked in words and colour. */
export function HealthFigures({ health }: { health: BookingHealth }) {
  return (
    <section aria-labelledby="figures-heading">
      <h2 id="figures-heading">Today’s figures</h2>
      <dl className="metric-grid">
        {figuresOf(health).map((figure) => (
          <div key={figure.key} className={`metric${figure.alert ? ' metric-alert' : ''}`} data-testid={`metric-${figure.key}`}>
            <dt>{figure.term}</dt>
            <dd>
              <span className="metric-value">{figure.value}</span>
              {figure.alert && <span className="metric-note">Critical: {figure.alert}</span>}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** The API's critical alerts at the spec's thresholds, or a plain statement that there are none. */
export function CriticalAlerts({ alerts }: { alerts: string[] }) {
  if (alerts.length === 0)
    return (
      <p className="all-clear" data-testid="critical-alerts">
        No critical issues.
      </p>
    );
  return (
    <section className="alert-banner" role="alert" aria-labelledby="alerts-heading" data-testid="critical-alerts">
      <h2 id="alerts-heading">Critical issues ({alerts.length})</h2>
      <ul>
        {alerts.map((alert) => (
          <li key={alert}>{alert}</li>
        ))}
      </ul>
    </section>
  );
}
