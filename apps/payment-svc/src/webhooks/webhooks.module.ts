import { Module } from '@nestjs/common';
import { PaymentsModule } from '../payments/payments.module.js';
import { StripeEventProcessor } from './application/stripe-event.processor.js';
import { StripeEventStore } from './infrastructure/stripe-event.store.js';
import { StripeEventsController } from './interface/stripe-events.controller.js';
import { StripeWebhookController } from './interface/stripe-webhook.controller.js';

/** Stripe's webhook events: verified, stored once, applied to payments asynchronously, each on its own (a failing one is retried, then parked). */
@Module({ imports: [PaymentsModule], controllers: [StripeWebhookController, StripeEventsController], providers: [StripeEventStore, StripeEventProcessor] })
export class WebhooksModule {}
