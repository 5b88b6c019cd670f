import { counter, gauge, histogram } from '@bp/platform';

/** The job metrics (alert rules key on these names). `job` is the job's name; outcome is success or failure. */
export const jobMetrics = {
  duration: () =>
    histogram('scheduler_job_duration_seconds', 'How long a job run took on this replica', ['job'], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]),
  failures: () => counter('scheduler_job_failures_total', 'Job runs that failed', ['job']),
  lastSuccess: () =>
    gauge('scheduler_job_last_success_timestamp_seconds', 'When the job last succeeded (on any replica, as this replica last saw it)', ['job']),
  runs: () => counter('scheduler_job_runs_total', 'Job runs on this replica, by outcome', ['job', 'outcome']),
};
