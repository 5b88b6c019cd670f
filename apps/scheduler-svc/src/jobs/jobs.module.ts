import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ScheduleModule } from '@nestjs/schedule';
import { OutboxModule } from '@bp/outbox';
import { JobCatalog } from './application/job-catalog.js';
import { JobRunner } from './application/job-runner.js';
import { JobScheduler } from './application/job-scheduler.js';
import { ListJobsQuery } from './application/list-jobs.query.js';
import { TimerPollHeartbeat } from './application/timer-poll-heartbeat.js';
import { JOB_LEASE_MODEL, JobLeaseSchema } from './infrastructure/job-lease.schema.js';
import { JobLeaseStore } from './infrastructure/job-lease.store.js';
import { JobRunStore } from './infrastructure/job-run.store.js';
import { JOB_RUN_MODEL, JobRunSchema } from './infrastructure/job-run.schema.js';
import { JobsController } from './interface/jobs.controller.js';

const jobModels = MongooseModule.forFeature([
  { name: JOB_LEASE_MODEL, schema: JobLeaseSchema },
  { name: JOB_RUN_MODEL, schema: JobRunSchema },
]);

/** Periodic jobs under Mongo leases, their run history and /internal/jobs. */
@Module({
  imports: [ScheduleModule.forRoot(), jobModels, OutboxModule.forModels([JOB_RUN_MODEL], [jobModels])],
  controllers: [JobsController],
  providers: [JobCatalog, JobLeaseStore, JobRunStore, JobRunner, JobScheduler, ListJobsQuery, TimerPollHeartbeat],
  exports: [TimerPollHeartbeat],
})
export class JobsModule {}
