import { Schema } from 'mongoose';
import { type OutboxFields, withOutboxFields } from '@bp/outbox';
import type { RunOutcome } from '../domain/job.js';

export const JOB_RUN_MODEL = 'JobRun';
export const JOB_RUN_COLLECTION = 'job_runs';

/** One scheduled run of a job (`_id` = `<job>:<tick>`), carrying the command it sends in its own outbox. */
export type JobRunDocument = {
  _id: string;
  job: string;
  scheduledFor: Date;
  owner: string;
  startedAt: Date;
  endedAt: Date;
  durationMs: number;
  outcome: RunOutcome;
  error?: string;
  /** The UTC day the run ended: its retention counts from it (JOB_RUN_RETENTION_DAYS). */
  day?: string;
} & OutboxFields;

export const JobRunSchema = withOutboxFields(
  new Schema<JobRunDocument>(
    {
      _id: { type: String, required: true },
      job: { type: String, required: true },
      scheduledFor: { type: Date, required: true },
      owner: { type: String, required: true },
      startedAt: { type: Date, required: true },
      endedAt: { type: Date, required: true },
      durationMs: { type: Number, required: true },
      outcome: { type: String, required: true, enum: ['success', 'failure'] },
      error: { type: String },
      day: { type: String },
    },
    { collection: JOB_RUN_COLLECTION, versionKey: false },
  ),
);
JobRunSchema.index({ job: 1, scheduledFor: -1 });
