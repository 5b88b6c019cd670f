/** The longest wait between two attempts of one delivery. */
const MAX_BACKOFF_MS = 3_600_000;

/**
 * When a delivery that failed `attempts` times may be tried again: the base wait, doubled for each
 * further attempt, capped at an hour; undefined when no attempt is left (or the failure is permanent).
 */
export function nextAttemptAt(attempts: number, policy: { maxAttempts: number; baseMs: number }, permanent: boolean, now: Date): Date | undefined {
  if (permanent || attempts >= policy.maxAttempts) return undefined;
  const wait = Math.min(MAX_BACKOFF_MS, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  return new Date(now.getTime() + wait);
}
