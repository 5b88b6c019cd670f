import { runMigrationCli } from '@bp/platform';
import { CalendarConfig } from './config/calendar.config.js';
import { calendarMigrations } from './migrations/index.js';

await runMigrationCli({ name: 'calendar-svc', configClass: CalendarConfig, migrations: calendarMigrations });
