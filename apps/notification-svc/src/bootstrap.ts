import { connectKafkaConsumer } from '@bp/messaging';
import { runService } from '@bp/platform';
import { AppModule } from './app.module.js';
import { NotificationConfig } from './config/notification.config.js';
import { notificationMigrations } from './migrations/index.js';

await runService({
  name: 'notification-svc',
  configClass: NotificationConfig,
  rootModule: (config) => AppModule.forRoot(config),
  connect: connectKafkaConsumer,
  migrations: notificationMigrations,
});
