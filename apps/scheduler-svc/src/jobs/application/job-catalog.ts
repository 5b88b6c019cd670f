import { Injectable } from '@nestjs/common';
import { CronTime } from 'cron';
import { Topics } from '@bp/contracts';
import { type OutgoingMessage, buildMessage } from '@bp/messaging';
import { SchedulerConfig } from '../../config/scheduler.config.js';
import { CRON_JOBS, type CronJobName, TIMER_POLLER_JOB, freshnessLimitMs } from '../domain/job.js';

export interface CronJobDefinition {
  name: CronJobName;
  cron: string;
  /** The command one run sends, through the run's outbox. */
  command(runId: string, scheduledFor: Date): OutgoingMessage;
}

export interface WatchedJob {
  name: string;
  /** A cron expression (UTC), or the timer poller's interval. */
  schedule: string;
  freshnessLimitMs: number;
}

/** The gap between two consecutive ticks of a cron expression (the next two from now). */
export function cronIntervalMs(cron: string): number {
  const [first, second] = new CronTime(cron, 'UTC').sendAt(2);
  return second!.toMillis() - first!.toMillis();
}

/**
 * The spec's background jobs that are not fed by booking events, each a command to the service that
 * owns the data: provider stats every 6 h and cleanup every minute (booking-svc), the payment-hold
 * monitor hourly (payment-svc), calendar sync retries every 15 min (calendar-svc). Schedules come from
 * config with the spec's defaults.
 */
@Injectable()
export class JobCatalog {
  constructor(private readonly config: SchedulerConfig) {}

  cronJobs(): CronJobDefinition[] {
    const aggregate = (runId: string) => ({ id: runId, version: 1 });
    const payload = (runId: string, scheduledFor: Date) => ({ runId, scheduledFor: scheduledFor.toISOString() });
    const definitions: Record<CronJobName, Omit<CronJobDefinition, 'name'>> = {
      'provider-stats': {
        cron: this.config.JOB_PROVIDER_STATS_CRON,
        command: (id, at) => buildMessage(Topics.bookingCommands, 'RecomputeProviderStats', payload(id, at), aggregate(id)),
      },
      cleanup: {
        cron: this.config.JOB_CLEANUP_CRON,
        command: (id, at) => buildMessage(Topics.bookingCommands, 'CleanUpBookingHolds', payload(id, at), aggregate(id)),
      },
      'calendar-sync-retry': {
        cron: this.config.JOB_CALENDAR_SYNC_RETRY_CRON,
        command: (id, at) => buildMessage(Topics.calendarCommands, 'RetryFailedCalendarSyncs', payload(id, at), aggregate(id)),
      },
      'payment-hold-monitor': {
        cron: this.config.JOB_PAYMENT_HOLD_MONITOR_CRON,
        command: (id, at) => buildMessage(Topics.paymentCommands, 'RunPaymentHoldMonitor', payload(id, at), aggregate(id)),
      },
    };
    return CRON_JOBS.map((name) => ({ name, ...definitions[name] }));
  }

  /** Every job /internal/jobs reports, the timer poller included, with its freshness limit. */
  watched(): WatchedJob[] {
    const grace = this.config.JOB_FRESHNESS_GRACE_SECONDS * 1000;
    const poll = this.config.TIMER_POLL_INTERVAL_MS;
    return [
      ...this.cronJobs().map((job) => ({ name: job.name, schedule: job.cron, freshnessLimitMs: freshnessLimitMs(cronIntervalMs(job.cron), grace) })),
      { name: TIMER_POLLER_JOB, schedule: `every ${poll} ms`, freshnessLimitMs: freshnessLimitMs(poll, grace) },
    ];
  }
}
