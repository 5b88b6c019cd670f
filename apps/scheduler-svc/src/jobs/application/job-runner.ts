import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { utcDayOf } from '@bp/platform';
import { SchedulerConfig } from '../../config/scheduler.config.js';
import { type JobName, type RunOutcome, runIdOf } from '../domain/job.js';
import { JobLeaseStore } from '../infrastructure/job-lease.store.js';
import { JobRunStore } from '../infrastructure/job-run.store.js';
import { jobMetrics } from '../infrastructure/job.metrics.js';
import type { CronJobDefinition } from './job-catalog.js';

export type TickResult = { ran: false; reason: 'held' | 'already_run' } | { ran: true; runId: string; outcome: RunOutcome; error?: string };

/**
 * Runs one tick of a job on this replica if it wins the job's lease: the run's history document and
 * the command it sends are one insert (`_id` = job and tick, so even a lease lost mid-run cannot send
 * a tick's command twice), published by the outbox relay. Failures are recorded on the run, the
 * job's record and the metrics; the next tick tries again.
 */
@Injectable()
export class JobRunner {
  private readonly logger = new Logger(JobRunner.name);
  /** This replica, as run history and leases name it. */
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

  constructor(
    private readonly leases: JobLeaseStore,
    private readonly runs: JobRunStore,
    private readonly config: SchedulerConfig,
  ) {}

  async tick(job: CronJobDefinition, scheduledFor: Date): Promise<TickResult> {
    const startedAt = new Date();
    const runId = runIdOf(job.name, scheduledFor);
    let revision: number | undefined;
    try {
      const lease = await this.leases.acquire(job.name, this.owner, scheduledFor, this.config.JOB_LEASE_SECONDS * 1000, startedAt);
      if (!lease.acquired) {
        if (lease.lastSuccessAt) jobMetrics.lastSuccess().set({ job: job.name }, lease.lastSuccessAt.getTime() / 1000);
        return { ran: false, reason: lease.reason };
      }
      revision = lease.revision;
      await this.dispatch(job, runId, scheduledFor, startedAt);
      await this.finish(job.name, runId, startedAt, 'success');
      return { ran: true, runId, outcome: 'success' };
    } catch (error) {
      const message = (error as Error).message;
      this.logger.warn({ message: 'job run failed; the next tick retries', job: job.name, runId, error: message });
      await this.finish(job.name, runId, startedAt, 'failure', message).catch((recordError: unknown) =>
        this.logger.error({ message: 'could not record the failed run', job: job.name, runId, error: (recordError as Error).message }),
      );
      return { ran: true, runId, outcome: 'failure', error: message };
    } finally {
      if (revision !== undefined) await this.leases.release(job.name, this.owner, revision, new Date()).catch(() => undefined); // it lapses by itself
    }
  }

  /** The run's history and its command in one write; a run already recorded under this id sent its command already. */
  private async dispatch(job: CronJobDefinition, runId: string, scheduledFor: Date, startedAt: Date): Promise<void> {
    const endedAt = new Date();
    const run = {
      _id: runId,
      job: job.name,
      scheduledFor,
      owner: this.owner,
      startedAt,
      endedAt,
      durationMs: endedAt.getTime() - startedAt.getTime(),
      outcome: 'success' as const,
      day: utcDayOf(endedAt),
    };
    await this.runs.recordSent(run, job.command(runId, scheduledFor));
  }

  private async finish(job: JobName, runId: string, startedAt: Date, outcome: RunOutcome, error?: string): Promise<void> {
    const endedAt = new Date();
    const seconds = (endedAt.getTime() - startedAt.getTime()) / 1000;
    jobMetrics.duration().observe({ job }, seconds);
    jobMetrics.runs().inc({ job, outcome });
    if (outcome === 'success') jobMetrics.lastSuccess().set({ job }, endedAt.getTime() / 1000);
    else jobMetrics.failures().inc({ job });
    if (outcome === 'failure') {
      // The failed run's history (no command: nothing was sent); a later success of the same tick never happens, the next tick is a new run.
      await this.runs.recordFailed({
        _id: runId,
        job,
        scheduledFor: new Date(runId.slice(job.length + 1)),
        owner: this.owner,
        startedAt,
        endedAt,
        durationMs: seconds * 1000,
        outcome,
        ...(error ? { error } : {}),
        day: utcDayOf(endedAt),
      });
    }
    await this.leases.recordRun(job, { runId, owner: this.owner, startedAt, endedAt, outcome, ...(error ? { error } : {}) });
  }
}
