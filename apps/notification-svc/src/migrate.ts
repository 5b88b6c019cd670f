import { runMigrationCli } from '@bp/platform';
import { NotificationConfig } from './config/notification.config.js';
import { notificationMigrations } from './migrations/index.js';

await runMigrationCli({ name: 'notification-svc', configClass: NotificationConfig, migrations: notificationMigrations });
