import { runMigrationCli } from '@bp/platform';
import { PaymentConfig } from './config/payment.config.js';
import { paymentMigrations } from './migrations/index.js';

await runMigrationCli({ name: 'payment-svc', configClass: PaymentConfig, migrations: paymentMigrations });
