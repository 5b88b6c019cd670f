import { type DynamicModule, Module } from '@nestjs/common';
import { MessagingModule } from '@bp/messaging';
import { DatabaseModule, PlatformModule } from '@bp/platform';
import type { PaymentConfig } from './config/payment.config.js';
import { PaymentsModule } from './payments/payments.module.js';
import { paymentRetention } from './retention.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

@Module({})
export class AppModule {
  static forRoot(config: PaymentConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot(config), DatabaseModule, MessagingModule.forRoot({ inbox: 'mongo' }), paymentRetention, PaymentsModule, WebhooksModule],
    };
  }
}
