export interface Bar {
  label: string;
  value: number;
  /** Said in words beside the number, and drawn in the matching colour: never colour alone. */
  alert?: 'warning' | 'critical';
}

const ALERT_WORDS = { warning: 'lapses soon', critical: 'critical' } as const;

/**
 * A horizontal bar chart whose text is its own equivalent: each row names the bar and its number
 * (a list a screen reader reads as it is), and the bar (SVG, so nothing needs an inline style under
 * the portal's CSP) is decoration for the eye.
 */
export function BarChart({ labelledBy, bars, testId }: { labelledBy: string; bars: Bar[]; testId?: string }) {
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  return (
    <ul className="bar-chart" aria-labelledby={labelledBy} data-testid={testId}>
      {bars.map((bar) => (
        <li key={bar.label} className={`bar-row${bar.alert ? ` bar-${bar.alert}` : ''}`}>
          <span className="bar-label">{bar.label}</span>
          <svg className="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">
            <rect width={(bar.value / max) * 100} height="10" />
          </svg>
          <span className="bar-value" data-value={bar.value}>
            {bar.value}
            {bar.alert && bar.value > 0 && <span className="bar-alert"> ({ALERT_WORDS[bar.alert]})</span>}
          </span>
        </li>
      ))}
    </ul>
  );
}
