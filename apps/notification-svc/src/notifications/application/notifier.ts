import { Injectable, Logger } from '@nestjs/common';
import { counter } from '@bp/platform';
import { NotificationConfig } from '../../config/notification.config.js';
import { channelsFor } from '../../recipients/domain/preferences.js';
import { sendAfter } from '../../recipients/domain/quiet-hours.js';
import { RecipientRepository } from '../../recipients/infrastructure/recipient.repository.js';
import { type PlannedNotification, URGENT } from '../domain/notification-types.js';
import { render } from '../domain/render.js';
import { DeliveryRepository } from '../infrastructure/delivery.repository.js';
import { EmailChannel } from '../infrastructure/email.channel.js';

/** A deferred send that failed is tried again this much later. */
const DEFERRED_RETRY_MS = 60_000;

const metrics = {
  sent: () => counter('notification_sent_total', 'Notifications delivered, by channel and template', ['channel', 'template']),
  failed: () => counter('notification_failed_total', 'Notification sends that failed (retried by redelivery), by channel', ['channel']),
};
// Registered when the service loads, so both are scraped (and alertable) before the first send.
for (const declare of Object.values(metrics)) declare();

/**
 * Sends planned notifications on the channels each recipient chose and can be reached by. Each
 * (event, recipient, channel) has one delivery record, claimed before the send and marked after it:
 * a redelivered event sends nothing twice. A failed send is recorded and rethrown, so the event is
 * delivered again with backoff (the consumer's retries) and only the failed deliveries are retried;
 * after the last attempt the event goes to the dead-letter topic with the error.
 */
@Injectable()
export class Notifier {
  private readonly logger = new Logger(Notifier.name);

  constructor(
    private readonly recipients: RecipientRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly email: EmailChannel,
    private readonly config: NotificationConfig,
  ) {}

  async deliver(eventId: string, planned: PlannedNotification[]): Promise<void> {
    const failures: string[] = [];
    for (const notification of planned) {
      const preferences = await this.recipients.find(notification.recipient.role, notification.recipient.id);
      const rendered = render(notification, { appHost: this.config.APP_HOST, appScheme: this.config.APP_SCHEME }, preferences.locale);
      for (const channel of channelsFor(preferences)) {
        if (channel !== 'email' || !this.email.available) continue; // push and SMS arrive with their providers
        const id = `${eventId}:${notification.recipient.role}:${notification.recipient.id}:${channel}`;
        const record = {
          _id: id,
          bookingId: notification.facts.bookingId,
          template: notification.template,
          channel,
          recipient: { role: notification.recipient.role, id: notification.recipient.id },
        };
        const notBefore = sendAfter(preferences, notification.recipient.timezone, new Date(), URGENT.has(notification.template));
        if (notBefore) {
          await this.deliveries.defer({ ...record, notBefore, address: preferences.email!, message: rendered });
          continue;
        }
        if (!(await this.deliveries.claim(record))) continue;
        try {
          const messageId = await this.email.send(preferences.email!, rendered, id);
          await this.deliveries.markSent(id, messageId);
          metrics.sent().inc({ channel, template: notification.template });
        } catch (error) {
          const message = (error as Error).message;
          await this.deliveries.markFailed(id, message);
          metrics.failed().inc({ channel });
          this.logger.warn({ message: 'notification send failed; the event will be delivered again', deliveryId: id, error: message });
          failures.push(id);
        }
      }
    }
    if (failures.length > 0) throw new Error(`notification deliveries failed: ${failures.join(', ')}`);
  }

  /** Sends the deliveries quiet hours held back, once their time has come; a failure waits for a later sweep. */
  async sendDeferred(now: Date = new Date()): Promise<number> {
    let sent = 0;
    for (const delivery of await this.deliveries.dueDeferred(now)) {
      if (!delivery.address || !delivery.message || !(await this.deliveries.claimDeferred(delivery, now))) continue;
      try {
        await this.deliveries.markSent(delivery._id, await this.email.send(delivery.address, delivery.message, delivery._id));
        metrics.sent().inc({ channel: delivery.channel, template: delivery.template });
        sent++;
      } catch (error) {
        metrics.failed().inc({ channel: delivery.channel });
        await this.deliveries.deferAgain(delivery._id, new Date(now.getTime() + DEFERRED_RETRY_MS), (error as Error).message);
      }
    }
    return sent;
  }
}
