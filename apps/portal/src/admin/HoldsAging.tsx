import { BarChart } from './BarChart.js';
import type { HoldsAging as Aging } from './types.js';

/** How old the card holds are: a hold lapses after about 7 days, so the last two buckets need action. */
export function HoldsAging({ aging }: { aging: Aging }) {
  return (
    <section aria-labelledby="aging-heading" className="card">
      <h2 id="aging-heading">Payment holds by age</h2>
      <BarChart
        labelledBy="aging-heading"
        testId="holds-aging"
        bars={[
          { label: 'Under 24 h', value: aging.under24h },
          { label: '1–3 days', value: aging.days1to3 },
          { label: '3–5 days', value: aging.days3to5 },
          { label: '5–7 days', value: aging.days5to7, alert: 'warning' },
          { label: 'Over 7 days', value: aging.over7days, alert: 'critical' },
        ]}
      />
    </section>
  );
}
