import { inboxRetention } from '@bp/messaging';
import { outboxPublished } from '@bp/outbox';
import { RetentionModule, type RetentionRule, idempotencyRetention } from '@bp/platform';
import { BookingConfig } from './config/booking.config.js';
import { RESERVATION_COLLECTION } from './reservations/infrastructure/reservation.schema.js';

/**
 * What booking-svc deletes once it is old (docs/retention.md). Bookings and their audit trail are
 * kept; slot claims and holds go with the cleanup job as they lapse; the tallies prune their own days.
 */
export function bookingRetentionRules(config: BookingConfig): RetentionRule[] {
  return [
    inboxRetention,
    idempotencyRetention(config.IDEMPOTENCY_RETENTION_HOURS),
    // Only converted and expired reservations carry a day (never an active one), and go once their SlotReserved is published.
    { collection: RESERVATION_COLLECTION, keepFor: { days: config.RESERVATION_RETENTION_DAYS }, onlyIf: outboxPublished },
  ];
}

export const bookingRetention = RetentionModule.forRoot(BookingConfig, bookingRetentionRules);
