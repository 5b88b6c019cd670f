import { connectKafkaConsumer } from '@bp/messaging';
import { runService } from '@bp/platform';
import { AppModule } from './app.module.js';
import { PaymentConfig } from './config/payment.config.js';
import { paymentMigrations } from './migrations/index.js';

await runService({
  name: 'payment-svc',
  configClass: PaymentConfig,
  rootModule: (config) => AppModule.forRoot(config),
  connect: connectKafkaConsumer,
  migrations: paymentMigrations,
  rawBody: true,
});
