import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { OutgoingMessage } from '@bp/messaging';
import { type AggregateStore, InjectAggregateStore, type WithoutOutbox } from '@bp/outbox';
import { isDuplicateKey } from '@bp/platform';
import { JOB_RUN_MODEL, type JobRunDocument } from './job-run.schema.js';

/** A run's history, as recorded (`_id` = `<job>:<tick>`). */
export type JobRun = WithoutOutbox<JobRunDocument>;

/** The `job_runs` collection: one document per tick of a job, carrying the command the tick sends. */
@Injectable()
export class JobRunStore {
  constructor(
    @InjectModel(JOB_RUN_MODEL) private readonly runs: Model<JobRunDocument>,
    @InjectAggregateStore(JOB_RUN_MODEL) private readonly store: AggregateStore<JobRunDocument>,
  ) {}

  /**
   * Records a successful run and the command it sends in one write. A run already recorded under this
   * id sent its command already: nothing is written (so even a lease lost mid-run cannot send a tick's command twice).
   */
  async recordSent(run: JobRun, command: OutgoingMessage): Promise<void> {
    await this.store.insert(run, [command], { now: run.endedAt });
  }

  /** Records a failed run (no command: nothing was sent), unless the tick's run exists already (it succeeded elsewhere). */
  async recordFailed(run: JobRun): Promise<void> {
    const { _id, ...fields } = run;
    await this.runs.updateOne({ _id, outcome: 'failure' }, { $set: fields }, { upsert: true }).catch((error: unknown) => {
      if (!isDuplicateKey(error)) throw error;
    });
  }
}
