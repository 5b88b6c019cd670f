import { counter, gauge, histogram } from '@bp/platform';
import { CRON_JOBS, TIMER_POLLER_JOB } from '../domain/job.js';

/** The job metrics (alert rules key on these names). `job` is the job's name; outcome is success or failure. */
export const jobMetrics = {
  duration: () =>
    histogram('scheduler_job_duration_seconds', 'How long a job run took on this replica', ['job'], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]),
  failures: () => counter('scheduler_job_failures_total', 'Job runs that failed', ['job']),
  lastSuccess: () =>
    gauge('scheduler_job_last_success_timestamp_seconds', 'When the job last succeeded (on any replica, as this replica last saw it)', ['job']),
  runs: () => counter('scheduler_job_runs_total', 'Job runs on this replica, by outcome', ['job', 'outcome']),
};

// Zero series per job from startup: Prometheus sees no increase in a counter whose first sample is
// already 1, so CronJobFailed would miss a job's first failure; and the metrics are scraped at once.
for (const job of [...CRON_JOBS, TIMER_POLLER_JOB]) {
  jobMetrics.failures().inc({ job }, 0);
  for (const outcome of ['success', 'failure']) jobMetrics.runs().inc({ job, outcome }, 0);
  jobMetrics.duration().zero({ job });
}
