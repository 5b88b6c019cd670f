import { connectKafkaConsumer } from '@bp/messaging';
import { runService } from '@bp/platform';
import { AppModule } from './app.module.js';
import { CalendarConfig } from './config/calendar.config.js';
import { calendarMigrations } from './migrations/index.js';

await runService({
  name: 'calendar-svc',
  configClass: CalendarConfig,
  rootModule: (config) => AppModule.forRoot(config),
  connect: connectKafkaConsumer,
  migrations: calendarMigrations,
});
