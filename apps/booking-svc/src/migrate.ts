import { runMigrationCli } from '@bp/platform';
import { BookingConfig } from './config/booking.config.js';
import { bookingMigrations } from './migrations/index.js';

await runMigrationCli({ name: 'booking-svc', configClass: BookingConfig, migrations: bookingMigrations });
