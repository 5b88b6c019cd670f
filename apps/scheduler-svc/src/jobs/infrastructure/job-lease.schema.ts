import { Schema } from 'mongoose';
import type { JobRecord } from '../domain/job.js';

export const JOB_LEASE_MODEL = 'JobLease';

/**
 * One document per job (`_id` = job name): the lease a replica holds while it runs the job, the last
 * tick run (so each scheduled run happens once), and the record of its runs that /internal/jobs shows.
 * Every lease change is a compare-and-swap on `revision` (an equality FerretDB pushes down).
 */
export type JobLeaseDocument = {
  _id: string;
  revision: number;
  owner?: string;
  expiresAt?: Date;
  lastScheduledFor?: Date;
} & JobRecord;

export const JobLeaseSchema = new Schema<JobLeaseDocument>(
  {
    _id: { type: String, required: true },
    revision: { type: Number, required: true },
    owner: { type: String },
    expiresAt: { type: Date },
    lastScheduledFor: { type: Date },
    watchedSince: { type: Date, required: true },
    lastRun: { type: Schema.Types.Mixed },
    lastSuccessAt: { type: Date },
    lastFailure: { type: Schema.Types.Mixed },
  },
  { collection: 'job_leases', versionKey: false },
);
