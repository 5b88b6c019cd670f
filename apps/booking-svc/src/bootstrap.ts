import { connectKafkaConsumer } from '@bp/messaging';
import { runService } from '@bp/platform';
import { AppModule } from './app.module.js';
import { BookingConfig } from './config/booking.config.js';
import { bookingMigrations } from './migrations/index.js';

await runService({
  name: 'booking-svc',
  configClass: BookingConfig,
  rootModule: (config) => AppModule.forRoot(config),
  connect: connectKafkaConsumer,
  migrations: bookingMigrations,
});
