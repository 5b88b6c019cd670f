import { DatabaseServiceConfig } from '@bp/platform';

export class NotificationConfig extends DatabaseServiceConfig {
  override PORT = 3004;
  override MONGO_DB = 'notification';
}
