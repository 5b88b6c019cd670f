import { useEffect, useState } from 'react';
import { formatRemaining } from '../time/format.js';

/** The spec's warning threshold: a request within 4 hours of its deadline is urgent (CONFIRMATION_WARNING_HOURS). */
export const URGENT_WITHIN_MS = 4 * 60 * 60 * 1000;

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/**
 * Time left to answer a request, announced politely as it changes (minute precision), marked urgent
 * in words and colour under the warning threshold.
 */
export function Countdown({ deadline }: { deadline: string }) {
  const now = useNow(15_000);
  const left = new Date(deadline).getTime() - now;
  const urgent = left < URGENT_WITHIN_MS;
  return (
    <p className={`countdown${urgent ? ' countdown-urgent' : ''}`} aria-live="polite" aria-atomic="true" data-urgent={urgent}>
      {left <= 0 ? 'Deadline passed' : `${urgent ? 'Urgent: ' : ''}${formatRemaining(left)} left to answer`}
    </p>
  );
}
