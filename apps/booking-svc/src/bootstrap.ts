import { connectKafkaConsumer } from '@bp/messaging';
import { runService } from '@bp/platform';
import { AppModule } from './app.module.js';
import { BookingConfig } from './config/booking.config.js';

await runService({ name: 'booking-svc', configClass: BookingConfig, rootModule: (config) => AppModule.forRoot(config), connect: connectKafkaConsumer });
