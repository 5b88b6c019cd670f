import { Module } from '@nestjs/common';
import { PaymentsModule } from '../payments/payments.module.js';
import { StripeEventProcessor } from './application/stripe-event.processor.js';
import { StripeEventStore } from './infrastructure/stripe-event.store.js';
import { StripeWebhookController } from './interface/stripe-webhook.controller.js';

/** Stripe's webhook events: verified, stored once, applied to payments asynchronously. */
@Module({ imports: [PaymentsModule], controllers: [StripeWebhookController], providers: [StripeEventStore, StripeEventProcessor] })
export class WebhooksModule {}
