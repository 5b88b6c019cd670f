import './admin.css';
import { formatInZone } from '../time/format.js';
import { QueryStatus } from '../ui/QueryStatus.js';
import { CriticalAlerts, HealthFigures } from './HealthFigures.js';
import { HoldsAging } from './HoldsAging.js';
import { NeedsAdminList } from './NeedsAdminList.js';
import { ProviderLeaderboard } from './ProviderLeaderboard.js';
import { useBookingHealth } from './queries.js';

/** The spec's booking health dashboard: what is critical, the day's counts, holds by age, who needs an admin, providers' responsiveness. */
export function BookingHealthPage() {
  const health = useBookingHealth();
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <>
      <h1>Booking health</h1>
      <div aria-busy={health.isLoading} data-testid="booking-health">
        <QueryStatus query={health} what="booking health" />
        {health.data && (
          <>
            <p className="help">
              As of <time dateTime={health.data.generatedAt}>{formatInZone(health.data.generatedAt, zone)}</time>; refreshed on every booking update.
            </p>
            <CriticalAlerts alerts={health.data.criticalAlerts} />
            <HealthFigures health={health.data} />
            <HoldsAging aging={health.data.holdsAging} />
          </>
        )}
      </div>
      <NeedsAdminList />
      {health.data && <ProviderLeaderboard rows={health.data.providerStats} />}
    </>
  );
}
