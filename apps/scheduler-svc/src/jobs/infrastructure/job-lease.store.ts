import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { JobName, JobRecord, RunOutcome } from '../domain/job.js';
import { JOB_LEASE_MODEL, type JobLeaseDocument } from './job-lease.schema.js';

const DUPLICATE_KEY = 11000;

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
 * The `job_leases` collection. A replica may run a job's tick only after one compare-and-swap on the
 * lease's `revision` that finds it free (no owner, or an owner whose lease has lapsed: a crashed
 * replica holds it at most JOB_LEASE_SECONDS) and that tick not yet run. Of the replicas woken by one
 * tick, exactly one such write matches.
 */
@Injectable()
export class JobLeaseStore {
  constructor(@InjectModel(JOB_LEASE_MODEL) private readonly leases: Model<JobLeaseDocument>) {}

  /** Makes sure the job has its document (from the first time any replica watches it). */
  async watch(job: JobName, now: Date): Promise<void> {
    try {
      await this.leases.updateOne({ _id: job }, { $setOnInsert: { revision: 0, watchedSince: now } }, { upsert: true });
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error; // another replica created it meanwhile
    }
  }

  async acquire(job: JobName, owner: string, scheduledFor: Date, leaseMs: number, now: Date): Promise<Acquisition> {
    const lease = await this.leases.findById(job).lean<JobLeaseDocument>();
    if (!lease) throw new Error(`job ${job} has no lease document`);
    const free = !lease.owner || !lease.expiresAt || lease.expiresAt.getTime() <= now.getTime();
    const lastSuccessAt = lease.lastSuccessAt;
    if (!free) return { acquired: false, reason: 'held', ...(lastSuccessAt ? { lastSuccessAt } : {}) };
    if (lease.lastScheduledFor && lease.lastScheduledFor.getTime() >= scheduledFor.getTime())
      return { acquired: false, reason: 'already_run', ...(lastSuccessAt ? { lastSuccessAt } : {}) };
    // $inc, not $set: a corrupt revision makes the write fail loudly instead of matching forever.
    const taken = await this.leases.updateOne(
      { _id: job, revision: lease.revision },
      { $inc: { revision: 1 }, $set: { owner, expiresAt: new Date(now.getTime() + leaseMs), lastScheduledFor: scheduledFor } },
    );
    if (taken.modifiedCount !== 1) return { acquired: false, reason: 'held', ...(lastSuccessAt ? { lastSuccessAt } : {}) };
    return { acquired: true, revision: lease.revision + 1 };
  }

  /** Gives the lease back, unless it lapsed and another replica took it meanwhile. */
  async release(job: JobName, owner: string, revision: number, now: Date): Promise<void> {
    await this.leases.updateOne({ _id: job, owner, revision }, { $inc: { revision: 1 }, $set: { expiresAt: now }, $unset: { owner: 1 } });
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
