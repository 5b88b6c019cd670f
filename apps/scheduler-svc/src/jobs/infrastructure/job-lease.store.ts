import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, mongo } from 'mongoose';
import { isDuplicateKey, Lease } from '@bp/platform';
import type { JobName, JobRecord, RunOutcome } from '../domain/job.js';
import { JOB_LEASE_MODEL, type JobLeaseDocument } from './job-lease.schema.js';

export type Acquisition = { acquired: true; revision: number } | { acquired: false; reason: 'held' | 'already_run'; lastSuccessAt?: Date };

export interface FinishedRun {
  runId: string;
  owner: string;
  startedAt: Date;
  endedAt: Date;
  outcome: RunOutcome;
  error?: string;
}

/**
 * The `job_leases` collection. A replica may run a job's tick only after taking the job's Lease
 * (@bp/platform: one compare-and-swap on `revision` that finds it free — a crashed replica holds it at
 * most JOB_LEASE_SECONDS) in the same write that claims the tick, refused when that tick already ran.
 * Of the replicas woken by one tick, exactly one such write matches.
 */
@Injectable()
export class JobLeaseStore {
  constructor(@InjectModel(JOB_LEASE_MODEL) private readonly leases: Model<JobLeaseDocument>) {}

  /** Makes sure the job has its document (from the first time any replica watches it). */
  async watch(job: JobName, now: Date): Promise<void> {
    try {
      await this.leases.updateOne({ _id: job }, { $setOnInsert: { revision: 0, watchedSince: now } }, { upsert: true });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error; // another replica created it meanwhile
    }
  }

  private lease(job: JobName): Lease<JobLeaseDocument> {
    return new Lease(this.leases.collection as unknown as mongo.Collection<JobLeaseDocument>, job);
  }

  /** Takes the job's lease for the tick `scheduledFor`, unless it is held or that tick (or a later one) already ran. */
  async acquire(job: JobName, owner: string, scheduledFor: Date, leaseMs: number, now: Date): Promise<Acquisition> {
    const result = await this.lease(job).tryAcquire(owner, leaseMs, now, {
      refuse: (lease) => Boolean(lease.lastScheduledFor && lease.lastScheduledFor.getTime() >= scheduledFor.getTime()),
      alsoSet: { lastScheduledFor: scheduledFor },
    });
    if (result.acquired) return { acquired: true, revision: result.revision };
    const lastSuccessAt = result.lease?.lastSuccessAt;
    return { acquired: false, reason: result.reason === 'refused' ? 'already_run' : 'held', ...(lastSuccessAt ? { lastSuccessAt } : {}) };
  }

  /** Gives the lease back, unless it lapsed and another replica took it meanwhile. */
  async release(job: JobName, owner: string, revision: number, now: Date): Promise<void> {
    await this.lease(job).release(owner, revision, now);
  }

  /** Records a finished run: the last run, and the last success or failure. */
  async recordRun(job: JobName, run: FinishedRun): Promise<void> {
    const { runId, owner, startedAt, endedAt, outcome, error } = run;
    const lastRun = { runId, startedAt, endedAt, outcome, owner, durationMs: endedAt.getTime() - startedAt.getTime() };
    await this.leases.updateOne(
      { _id: job },
      outcome === 'success'
        ? { $set: { lastRun }, $max: { lastSuccessAt: endedAt } }
        : { $set: { lastRun, lastFailure: { runId, at: endedAt, error: error ?? 'unknown error' } } },
    );
  }

  async records(): Promise<Map<string, JobRecord>> {
    const docs = await this.leases.find({}).lean<JobLeaseDocument[]>();
    return new Map(docs.map((doc) => [doc._id, doc]));
  }
}
