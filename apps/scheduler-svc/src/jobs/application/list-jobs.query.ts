import { Injectable } from '@nestjs/common';
import { isFresh } from '../domain/job.js';
import { JobLeaseStore } from '../infrastructure/job-lease.store.js';
import { JobCatalog } from './job-catalog.js';

export interface JobView {
  name: string;
  schedule: string;
  freshnessLimitSeconds: number;
  fresh: boolean;
  lastRunAt: string | null;
  lastOutcome: 'success' | 'failure' | null;
  lastDurationMs: number | null;
  lastOwner: string | null;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  lastError: string | null;
}

/** Every job with its schedule, last run, last success and failure, and whether it ran recently enough. */
@Injectable()
export class ListJobsQuery {
  constructor(
    private readonly catalog: JobCatalog,
    private readonly leases: JobLeaseStore,
  ) {}

  async execute(now: Date = new Date()): Promise<JobView[]> {
    const records = await this.leases.records();
    return this.catalog.watched().map((job) => {
      const record = records.get(job.name);
      const iso = (date: Date | undefined) => (date ? new Date(date).toISOString() : null);
      return {
        name: job.name,
        schedule: job.schedule,
        freshnessLimitSeconds: job.freshnessLimitMs / 1000,
        // A job no replica has watched yet has no record: not fresh (nothing is running it).
        fresh: record ? isFresh(record, job.freshnessLimitMs, now) : false,
        lastRunAt: iso(record?.lastRun?.startedAt),
        lastOutcome: record?.lastRun?.outcome ?? null,
        lastDurationMs: record?.lastRun?.durationMs ?? null,
        lastOwner: record?.lastRun?.owner ?? null,
        lastSuccessAt: iso(record?.lastSuccessAt),
        lastFailureAt: iso(record?.lastFailure?.at),
        lastError: record?.lastFailure?.error ?? null,
      };
    });
  }
}
