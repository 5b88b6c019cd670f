import { ExpireBookingDeadline } from './booking/booking-commands.js';
import { BookingStatusChanged } from './booking/booking-status-changed.event.js';
import { SlotReserved } from './booking/slot-reserved.event.js';
import { CalendarConnectionChanged } from './calendar/calendar-connection-changed.event.js';
import { ProviderBusyTimesUpdated } from './calendar/provider-busy-times.event.js';
import { SyncProviderCalendar } from './calendar/sync-provider-calendar.command.js';
import { CapturePayment } from './payment/capture-payment.command.js';
import { PaymentDisputeClosed, PaymentDisputed } from './payment/payment-dispute-events.js';
import {
  PaymentActionRequired,
  PaymentCaptured,
  PaymentFailed,
  PaymentHoldExpiring,
  PaymentHoldPlaced,
  PaymentHoldReleased,
  PaymentRefunded,
} from './payment/payment-events.js';
import { PlacePaymentHold } from './payment/place-payment-hold.command.js';
import { RefundPayment } from './payment/refund-payment.command.js';
import { FeatureFlagChanged } from './platform/feature-flag-changed.event.js';
import { AppointmentReminderDue, ConfirmationDeadlineApproaching } from './scheduler/scheduler-events.js';
import { CleanUpBookingHolds, RecomputeProviderStats, RetryFailedCalendarSyncs, RunPaymentHoldMonitor } from './scheduler/job-commands.js';
import { ReleasePaymentHold } from './payment/release-payment-hold.command.js';
import { NotificationFailed } from './notifications/notification-failed.event.js';

/**
 * The contract registry: topic → message type → payload class. It is both the runtime table that
 * inbound validation uses and the source of the compile-time types that make a wrong payload for a
 * topic a type error. Events go on one topic per producing aggregate; commands on the owning
 * service's command topic. Names carry a version suffix.
 */
export const CONTRACTS = {
  'booking.events.v1': { SlotReserved, BookingStatusChanged },
  'booking.commands.v1': { ExpireBookingDeadline, RecomputeProviderStats, CleanUpBookingHolds },
  'payment.commands.v1': { PlacePaymentHold, CapturePayment, ReleasePaymentHold, RefundPayment, RunPaymentHoldMonitor },
  'payment.events.v1': {
    PaymentHoldPlaced,
    PaymentActionRequired,
    PaymentCaptured,
    PaymentFailed,
    PaymentHoldReleased,
    PaymentHoldExpiring,
    PaymentRefunded,
    PaymentDisputed,
    PaymentDisputeClosed,
  },
  'calendar.commands.v1': { SyncProviderCalendar, RetryFailedCalendarSyncs },
  'calendar.events.v1': { CalendarConnectionChanged, ProviderBusyTimesUpdated },
  'platform.feature-flags.v1': { FeatureFlagChanged },
  'scheduler.events.v1': { ConfirmationDeadlineApproaching, AppointmentReminderDue },
  'notification.events.v1': { NotificationFailed },
} as const;

export type Topic = keyof typeof CONTRACTS;
export type MessageType<T extends Topic> = keyof (typeof CONTRACTS)[T] & string;
export type PayloadClass<T extends Topic, M extends MessageType<T>> = (typeof CONTRACTS)[T][M];
export type PayloadOf<T extends Topic, M extends MessageType<T>> = PayloadClass<T, M> extends new () => infer P ? P : never;

export const Topics = {
  bookingEvents: 'booking.events.v1',
  bookingCommands: 'booking.commands.v1',
  paymentCommands: 'payment.commands.v1',
  paymentEvents: 'payment.events.v1',
  calendarCommands: 'calendar.commands.v1',
  calendarEvents: 'calendar.events.v1',
  featureFlags: 'platform.feature-flags.v1',
  schedulerEvents: 'scheduler.events.v1',
  notificationEvents: 'notification.events.v1',
} as const satisfies Record<string, Topic>;

/**
 * Topics that differ from the default (KAFKA_TOPIC_PARTITIONS partitions, delete after retention). Flags are state, not
 * history: one partition keeps their order, compaction keeps the latest setting of each for ever.
 */
export const TOPIC_SETTINGS: Partial<Record<Topic, { numPartitions: number; configEntries: { name: string; value: string }[] }>> = {
  'platform.feature-flags.v1': { numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
};

export function isTopic(name: string): name is Topic {
  return Object.hasOwn(CONTRACTS, name);
}

export function payloadClassFor(topic: Topic, type: string): (new () => object) | undefined {
  const byType = CONTRACTS[topic] as Record<string, new () => object>;
  return Object.hasOwn(byType, type) ? byType[type] : undefined;
}

/**
 * Messages a consumer group failed to handle for a while wait on its own retry topic, and come back
 * to it when due (docs/kafka-consumers.md "Retries").
 */
export function retryTopicFor(consumerGroup: string): string {
  return `${consumerGroup}.retry.v1`;
}

/** Poison messages of a consumer group go to its own dead-letter topic, so each service can replay its own. */
export function deadLetterTopicFor(consumerGroup: string): string {
  return `${consumerGroup}.dead-letter.v1`;
}

/** The pattern a handler subscribes to with `@EventPattern(messagePattern(topic, type))`. */
export function messagePattern<T extends Topic>(topic: T, type: MessageType<T>): string {
  return `${topic}#${type}`;
}
