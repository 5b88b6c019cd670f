import { Injectable, Logger } from '@nestjs/common';
import { TIMER_POLLER_JOB } from '../domain/job.js';
import { JobLeaseStore } from '../infrastructure/job-lease.store.js';
import { jobMetrics } from '../infrastructure/job.metrics.js';
import { JobRunner } from './job-runner.js';

/** A replica writes the poller's record at most this often (polls are every second, on every replica). */
const RECORD_EVERY_MS = 1000;

/**
 * The event-fed timer poller watched as the job `expire-deadlines`: every poll counts in the job
 * metrics, and its record (last success, last failure) is written at most once a second per replica.
 * No lease: the timers' own conditional writes already make each timer fire once.
 */
@Injectable()
export class TimerPollHeartbeat {
  private readonly logger = new Logger(TimerPollHeartbeat.name);
  private lastRecorded = 0;

  constructor(
    private readonly leases: JobLeaseStore,
    private readonly runner: JobRunner,
  ) {}

  async polled(startedAt: Date, error?: Error): Promise<void> {
    const endedAt = new Date();
    const job = TIMER_POLLER_JOB;
    const outcome = error ? 'failure' : 'success';
    jobMetrics.duration().observe({ job }, (endedAt.getTime() - startedAt.getTime()) / 1000);
    jobMetrics.runs().inc({ job, outcome });
    if (error) jobMetrics.failures().inc({ job });
    else jobMetrics.lastSuccess().set({ job }, endedAt.getTime() / 1000);
    if (!error && endedAt.getTime() - this.lastRecorded < RECORD_EVERY_MS) return;
    this.lastRecorded = endedAt.getTime();
    const runId = `${job}:${startedAt.toISOString()}`;
    await this.leases
      .recordRun(job, { runId, owner: this.runner.owner, startedAt, endedAt, outcome, ...(error ? { error: error.message } : {}) })
      .catch((recordError: unknown) => this.logger.warn({ message: 'could not record the timer poll', error: (recordError as Error).message }));
  }
}
