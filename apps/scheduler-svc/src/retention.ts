import { inboxRetention } from '@bp/messaging';
import { outboxPublished } from '@bp/outbox';
import { RetentionModule, type RetentionRule } from '@bp/platform';
import { SchedulerConfig } from './config/scheduler.config.js';
import { JOB_RUN_COLLECTION } from './jobs/infrastructure/job-run.schema.js';
import { TIMER_COLLECTION } from './timers/infrastructure/timer.schema.js';

/** What scheduler-svc deletes once it is old (docs/retention.md). Job leases (one per job) are kept. */
export function schedulerRetentionRules(config: SchedulerConfig): RetentionRule[] {
  return [
    inboxRetention,
    // Only fired and cancelled timers carry a day (never a scheduled one); a fired one goes once its command is published.
    { collection: TIMER_COLLECTION, keepFor: { days: config.TIMER_RETENTION_DAYS }, onlyIf: outboxPublished },
    // A run carries its command in its outbox: it goes once that is published.
    { collection: JOB_RUN_COLLECTION, keepFor: { days: config.JOB_RUN_RETENTION_DAYS }, onlyIf: outboxPublished },
  ];
}

export const schedulerRetention = RetentionModule.forRoot(SchedulerConfig, schedulerRetentionRules);
