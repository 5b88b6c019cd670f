import { runMigrationCli } from '@bp/platform';
import { SchedulerConfig } from './config/scheduler.config.js';
import { schedulerMigrations } from './migrations/index.js';

await runMigrationCli({ name: 'scheduler-svc', configClass: SchedulerConfig, migrations: schedulerMigrations });
