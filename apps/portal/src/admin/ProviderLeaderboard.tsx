import { Link } from 'react-router-dom';
import { formatMinutes } from '../time/format.js';
import { BarChart } from './BarChart.js';
import { DataTable } from './DataTable.js';
import type { ProviderResponseRow } from './types.js';

/** The spec's marks on the leaderboard: more than 5 waiting, or fewer than 70 % confirmed. */
const MANY_WAITING = 5;
const LOW_CONFIRMATION = 70;

/** Providers with the most waiting requests first: who keeps patients waiting, and how they answer. */
export function ProviderLeaderboard({ rows }: { rows: ProviderResponseRow[] }) {
  return (
    <section aria-labelledby="leaderboard-heading" className="card">
      <h2 id="leaderboard-heading">Provider response performance</h2>
      {rows.length === 0 ? (
        <p>No provider has requests or answers yet.</p>
      ) : (
        <>
          <h3 id="leaderboard-chart-heading">Waiting requests per provider</h3>
          <BarChart
            labelledBy="leaderboard-chart-heading"
            bars={rows.slice(0, 10).map((row) => ({
              label: row.providerName ?? row.providerId,
              value: row.pendingCount,
              ...(row.pendingCount > MANY_WAITING ? { alert: 'critical' as const } : {}),
            }))}
          />
          <DataTable
            caption="Providers, most waiting requests first"
            columns={['Provider', 'Waiting', 'Average response', 'Confirmation rate', 'Expired (30 days)']}
            testId="leaderboard"
          >
            {rows.map((row) => (
              <tr key={row.providerId} data-provider-id={row.providerId}>
                <th scope="row">
                  <Link to={`/admin/bookings?providerId=${encodeURIComponent(row.providerId)}`}>{row.providerName ?? row.providerId}</Link>
                </th>
                <td className={row.pendingCount > MANY_WAITING ? 'cell-alert' : undefined}>
                  {row.pendingCount}
                  {row.pendingCount > MANY_WAITING && <span className="visually-hidden"> (many waiting)</span>}
                </td>
                <td>{formatMinutes(row.avgResponseTimeMinutes)}</td>
                <td className={row.confirmationRate !== null && row.confirmationRate < LOW_CONFIRMATION ? 'cell-alert' : undefined}>
                  {row.confirmationRate === null ? '—' : `${row.confirmationRate.toFixed(1)} %`}
                  {row.confirmationRate !== null && row.confirmationRate < LOW_CONFIRMATION && ' (low)'}
                </td>
                <td>{row.expiredCount30d}</td>
              </tr>
            ))}
          </DataTable>
        </>
      )}
    </section>
  );
}
