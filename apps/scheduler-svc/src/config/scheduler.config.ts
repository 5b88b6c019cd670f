import { DatabaseServiceConfig } from '@bp/platform';

export class SchedulerConfig extends DatabaseServiceConfig {
  override PORT = 3005;
  override MONGO_DB = 'scheduler';
}
