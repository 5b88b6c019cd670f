/**
 * The scheduler's periodic jobs (the spec's "Background jobs" that no booking event feeds) and how
 * their freshness is judged. Pure: the cron arithmetic happens in the application layer.
 */
export const CRON_JOBS = ['provider-stats', 'cleanup', 'calendar-sync-retry', 'payment-hold-monitor'] as const;
export type CronJobName = (typeof CRON_JOBS)[number];

/** The event-fed timer poller, watched like a job: its last successful poll is its last success. */
export const TIMER_POLLER_JOB = 'expire-deadlines';
export type JobName = CronJobName | typeof TIMER_POLLER_JOB;

export type RunOutcome = 'success' | 'failure';

/** What the job's lease document remembers of its runs (shared by every replica). */
export interface JobRecord {
  /** When the scheduler first watched this job: a job that has not run yet is fresh until its limit passes. */
  watchedSince: Date;
  lastRun?: { runId: string; startedAt: Date; endedAt: Date; outcome: RunOutcome; owner: string; durationMs: number };
  lastSuccessAt?: Date;
  lastFailure?: { runId: string; at: Date; error: string };
}

/**
 * How long a job may go without a successful run: two of its intervals (one missed run is tolerated,
 * as the spec's 10 minutes for its 5-minute expiry job) plus a grace for a slow run and clock skew.
 */
export function freshnessLimitMs(intervalMs: number, graceMs: number): number {
  return 2 * intervalMs + graceMs;
}

export function isFresh(record: Pick<JobRecord, 'watchedSince' | 'lastSuccessAt'>, limitMs: number, now: Date): boolean {
  const since = record.lastSuccessAt ?? record.watchedSince;
  return now.getTime() - since.getTime() <= limitMs;
}

/** A run's id: the job and the tick it belongs to, so every replica names one scheduled run the same way. */
export function runIdOf(job: JobName, scheduledFor: Date): string {
  return `${job}:${scheduledFor.toISOString()}`;
}
