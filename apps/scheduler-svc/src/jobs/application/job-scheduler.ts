import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob, CronTime } from 'cron';
import { TIMER_POLLER_JOB } from '../domain/job.js';
import { JobLeaseStore } from '../infrastructure/job-lease.store.js';
import { JobCatalog } from './job-catalog.js';
import { JobRunner } from './job-runner.js';

/** A tick handled later than this after its time is taken for the next one's (an event loop stalled for a second). */
const TICK_TOLERANCE_MS = 1000;

/**
 * Puts every periodic job on @nestjs/schedule's registry with its configured cron (UTC). Every replica
 * wakes at each tick; JobRunner lets exactly one of them run it.
 */
@Injectable()
export class JobScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JobScheduler.name);
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly catalog: JobCatalog,
    private readonly runner: JobRunner,
    private readonly leases: JobLeaseStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const now = new Date();
    for (const job of [...this.catalog.cronJobs().map((j) => j.name), TIMER_POLLER_JOB] as const) await this.leases.watch(job, now);
    for (const definition of this.catalog.cronJobs()) {
      const cronTime = new CronTime(definition.cron, 'UTC');
      const job = CronJob.from({
        cronTime: definition.cron,
        timeZone: 'UTC',
        waitForCompletion: true,
        onTick: async () => {
          await this.track(this.runner.tick(definition, tickOf(cronTime, new Date())));
        },
      });
      this.registry.addCronJob(definition.name, job);
      job.start();
    }
    this.logger.log({ message: 'periodic jobs scheduled', jobs: this.catalog.cronJobs().map(({ name, cron }) => ({ name, cron })) });
  }

  async onApplicationShutdown(): Promise<void> {
    for (const definition of this.catalog.cronJobs()) {
      if (this.registry.doesExist('cron', definition.name)) {
        await this.registry.getCronJob(definition.name).stop();
        this.registry.deleteCronJob(definition.name);
      }
    }
    await Promise.allSettled([...this.running]);
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    void work.finally(() => this.running.delete(work)).catch(() => undefined);
    return work;
  }
}

/** The tick a wake-up belongs to: the first scheduled time after "a moment ago", the same on every replica. */
export function tickOf(cronTime: CronTime, now: Date): Date {
  const tick = cronTime.getNextDateFrom(new Date(now.getTime() - TICK_TOLERANCE_MS), 'UTC').toJSDate();
  return tick.getTime() <= now.getTime() + TICK_TOLERANCE_MS ? tick : new Date(Math.floor(now.getTime() / 1000) * 1000);
}
