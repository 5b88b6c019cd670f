import { inboxRetention } from '@bp/messaging';
import { outboxPublished } from '@bp/outbox';
import { RetentionModule, type RetentionRule, idempotencyRetention } from '@bp/platform';
import { NotificationConfig } from './config/notification.config.js';
import { DELIVERY_COLLECTION } from './notifications/infrastructure/delivery.schema.js';
import { DIGEST_COLLECTION } from './notifications/infrastructure/digest.repository.js';

/**
 * What notification-svc deletes once it is old (docs/retention.md). Recipients, their contacts'
 * verification state, their activity and the bookings' parties are kept.
 */
export function notificationRetentionRules(config: NotificationConfig): RetentionRule[] {
  return [
    inboxRetention,
    idempotencyRetention(config.IDEMPOTENCY_RETENTION_HOURS),
    // Only sent, failed and skipped deliveries carry a day; a failed one goes once its NotificationFailed is published.
    { collection: DELIVERY_COLLECTION, keepFor: { days: config.DELIVERY_RETENTION_DAYS }, onlyIf: outboxPublished },
    // Only sent digests carry a day: an open one still collects, a closing one is being sent.
    { collection: DIGEST_COLLECTION, keepFor: { days: config.DIGEST_RETENTION_DAYS } },
  ];
}

export const notificationRetention = RetentionModule.forRoot(NotificationConfig, notificationRetentionRules);
