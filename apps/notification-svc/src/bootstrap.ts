import { connectKafkaConsumer } from '@bp/messaging';
import { runService } from '@bp/platform';
import { AppModule } from './app.module.js';
import { NotificationConfig } from './config/notification.config.js';

await runService({
  name: 'notification-svc',
  configClass: NotificationConfig,
  rootModule: (config) => AppModule.forRoot(config),
  connect: connectKafkaConsumer,
});
