/** Whether the provider's calendar should show a booking, given its status. */
export type DesiredEvent = 'present' | 'absent';

const SHOWN = new Set(['confirmed', 'reschedule_proposed', 'reschedule_pending', 'checked_in', 'in_progress', 'completed', 'no_show']);
const REMOVED = new Set(['cancelled_patient', 'cancelled_provider', 'cancelled_admin', 'expired', 'payment_failed']);

/**
 * A booking is on the calendar from its confirmation (an instant booking's creation) until it is
 * cancelled or expires; visits that happened (completed, no-show) stay as a record. Statuses before
 * confirmation put nothing there. Undefined means "no change".
 */
export function desiredEventFor(status: string): DesiredEvent | undefined {
  if (SHOWN.has(status)) return 'present';
  if (REMOVED.has(status)) return 'absent';
  return undefined;
}

/** `pending` until the calendar matches, `synced`/`deleted` when it does, `failed` while retries wait (or after they ran out). */
export type SyncStatus = 'pending' | 'synced' | 'deleted' | 'failed' | 'not_applicable';

/** The wait before the sync job tries a failed write again: base, 2×, 4× … at most an hour, and never sooner than the service's Retry-After. */
export function nextAttemptDelayMs(attempts: number, baseMs: number, retryAfterMs?: number): number {
  const backoff = Math.min(60 * 60_000, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.max(backoff, retryAfterMs ?? 0);
}
