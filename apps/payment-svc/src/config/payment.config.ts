import { DatabaseServiceConfig } from '@bp/platform';

export class PaymentConfig extends DatabaseServiceConfig {
  override PORT = 3002;
  override MONGO_DB = 'payment';
}
