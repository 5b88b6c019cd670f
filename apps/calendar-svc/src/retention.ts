import { inboxRetention } from '@bp/messaging';
import { RetentionModule, type RetentionRule, idempotencyRetention } from '@bp/platform';
import { CalendarConfig } from './config/calendar.config.js';
import { OAUTH_STATE_COLLECTION } from './connections/infrastructure/connection.schema.js';

/** What calendar-svc deletes once it is old (docs/retention.md). Connections and event mappings are kept. */
export function calendarRetentionRules(config: CalendarConfig): RetentionRule[] {
  return [
    inboxRetention,
    idempotencyRetention(config.IDEMPOTENCY_RETENTION_HOURS),
    // A state's day is the day it expires (ConnectCalendar.start): from then on it is refused anyway.
    { collection: OAUTH_STATE_COLLECTION, keepFor: { days: config.OAUTH_STATE_RETENTION_DAYS } },
  ];
}

export const calendarRetention = RetentionModule.forRoot(CalendarConfig, calendarRetentionRules);
