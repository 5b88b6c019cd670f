import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type AppointmentReminderDue, type BookingStatusChanged, type ConfirmationDeadlineApproaching, type PaymentRefunded, Topics } from '@bp/contracts';
import { type InboundMessage, OnMessage, UNCHANGED } from '@bp/messaging';
import { Notifier } from '../application/notifier.js';
import { expiringWarningNotifications, notificationsFor, refundNotifications, reminderNotifications } from '../domain/notifications-for.js';
import { BookingDirectory } from '../infrastructure/booking-directory.js';

/** The events that notify someone: booking changes, refunds, and scheduler-svc's warnings and reminders. */
@Controller()
export class NotificationEventsConsumer {
  constructor(
    private readonly notifier: Notifier,
    private readonly directory: BookingDirectory,
  ) {}

  /** Remembers the booking's parties and sends what the change means; one that means nothing and tells nothing new changes nothing. */
  @OnMessage(Topics.bookingEvents, 'BookingStatusChanged')
  async onStatusChanged(@Payload() message: InboundMessage<BookingStatusChanged>) {
    const change = message.payload;
    const remembered = await this.directory.remember({
      bookingId: change.bookingId,
      bookingNumber: change.bookingNumber,
      patientId: change.patientId,
      providerId: change.providerId,
      patientTimezone: change.patientTimezone,
      providerTimezone: change.providerTimezone,
      currency: change.currency,
    });
    const planned = notificationsFor(change as Parameters<typeof notificationsFor>[0]);
    if (planned.length === 0 && !remembered) return UNCHANGED;
    await this.notifier.deliver(message.eventId, planned);
    return undefined;
  }

  @OnMessage(Topics.paymentEvents, 'PaymentRefunded')
  async onRefunded(@Payload() message: InboundMessage<PaymentRefunded>) {
    const parties = await this.directory.find(message.payload.bookingId);
    if (!parties) throw new Error(`no booking ${message.payload.bookingId} known yet`); // retried: the booking's event comes first
    await this.notifier.deliver(message.eventId, refundNotifications(parties, message.payload.amountCents, parties.currency ?? 'usd'));
  }

  @OnMessage(Topics.schedulerEvents, 'AppointmentReminderDue')
  async onReminder(@Payload() message: InboundMessage<AppointmentReminderDue>) {
    const parties = await this.directory.find(message.payload.bookingId);
    if (!parties) throw new Error(`no booking ${message.payload.bookingId} known yet`);
    await this.notifier.deliver(message.eventId, reminderNotifications(parties, message.payload.startTime, message.payload.hoursBefore));
  }

  @OnMessage(Topics.schedulerEvents, 'ConfirmationDeadlineApproaching')
  async onExpiringSoon(@Payload() message: InboundMessage<ConfirmationDeadlineApproaching>) {
    const parties = await this.directory.find(message.payload.bookingId);
    if (!parties) throw new Error(`no booking ${message.payload.bookingId} known yet`);
    await this.notifier.deliver(message.eventId, expiringWarningNotifications(parties, message.payload.deadline));
  }
}
