import { IsInt, Max, Min } from 'class-validator';
import { DatabaseServiceConfig } from '@bp/platform';
import { IsCronExpression } from './cron-expression.validator.js';

export class SchedulerConfig extends DatabaseServiceConfig {
  override PORT = 3005;
  override MONGO_DB = 'scheduler';

  /** How often due timers are looked for: a timer fires at most about this long after its time. */
  @IsInt()
  @Min(100)
  @Max(60_000)
  TIMER_POLL_INTERVAL_MS: number = 1000;

  /** How often the poll also scans for timers overdue by more than a minute (left while no replica ran). */
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  TIMER_CATCH_UP_INTERVAL_MS: number = 30_000;

  /** How long before a request's confirmation deadline the provider is warned (the spec: 4 hours). */
  @IsInt()
  @Min(1)
  @Max(72)
  CONFIRMATION_WARNING_HOURS: number = 4;

  // The periodic jobs' schedules (UTC; 6 fields put seconds first). Defaults are the spec's.
  @IsCronExpression()
  JOB_PROVIDER_STATS_CRON = '0 */6 * * *';

  @IsCronExpression()
  JOB_CLEANUP_CRON = '* * * * *';

  @IsCronExpression()
  JOB_CALENDAR_SYNC_RETRY_CRON = '*/15 * * * *';

  @IsCronExpression()
  JOB_PAYMENT_HOLD_MONITOR_CRON = '0 * * * *';

  /** How long a run holds its job's lease: a replica that dies mid-run blocks the job at most this long. */
  @IsInt()
  @Min(1)
  @Max(3600)
  JOB_LEASE_SECONDS: number = 60;

  /** Added to two intervals of a job's schedule to give how long it may go without a success and still be fresh. */
  @IsInt()
  @Min(0)
  @Max(3600)
  JOB_FRESHNESS_GRACE_SECONDS: number = 60;

  /**
   * How long a fired or cancelled timer is kept after it fired or was cancelled. While it is there, a
   * late or repeated event cannot set that deadline again; with the default (the inbox's 30 days) a
   * redelivered event always meets either its inbox record or the timer. Scheduled timers, however old,
   * are never deleted (docs/retention.md).
   */
  @IsInt()
  @Min(1)
  @Max(3650)
  TIMER_RETENTION_DAYS: number = 30;

  /** How long a job run's history (`job_runs`) is kept after the run; the jobs' last run, success and failure stay in their lease records. */
  @IsInt()
  @Min(1)
  @Max(3650)
  JOB_RUN_RETENTION_DAYS: number = 14;
}
