import { connectKafkaConsumer } from '@bp/messaging';
import { runService } from '@bp/platform';
import { AppModule } from './app.module.js';
import { SchedulerConfig } from './config/scheduler.config.js';
import { schedulerMigrations } from './migrations/index.js';

await runService({
  name: 'scheduler-svc',
  configClass: SchedulerConfig,
  rootModule: (config) => AppModule.forRoot(config),
  connect: connectKafkaConsumer,
  migrations: schedulerMigrations,
});
