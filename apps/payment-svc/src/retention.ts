import { inboxRetention } from '@bp/messaging';
import { RetentionModule, type RetentionRule, idempotencyRetention } from '@bp/platform';
import { PaymentConfig } from './config/payment.config.js';
import { STRIPE_EVENTS_COLLECTION } from './webhooks/infrastructure/stripe-event.store.js';

/** What payment-svc deletes once it is old (docs/retention.md). Payments themselves are kept. */
export function paymentRetentionRules(config: PaymentConfig): RetentionRule[] {
  return [
    inboxRetention,
    idempotencyRetention(config.IDEMPOTENCY_RETENTION_HOURS),
    // Only processed events carry a day (markProcessed): waiting and parked ones are never deleted.
    { collection: STRIPE_EVENTS_COLLECTION, keepFor: { days: config.STRIPE_EVENT_RETENTION_DAYS } },
  ];
}

export const paymentRetention = RetentionModule.forRoot(PaymentConfig, paymentRetentionRules);
