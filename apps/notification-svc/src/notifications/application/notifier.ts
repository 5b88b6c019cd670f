import { Injectable, Logger } from '@nestjs/common';
import { counter } from '@bp/platform';
import { NotificationConfig } from '../../config/notification.config.js';
import { channelsFor } from '../../recipients/domain/preferences.js';
import { RecipientRepository } from '../../recipients/infrastructure/recipient.repository.js';
import type { PlannedNotification } from '../domain/notification-types.js';
import { render } from '../domain/render.js';
import { DeliveryRepository } from '../infrastructure/delivery.repository.js';
import { EmailChannel } from '../infrastructure/email.channel.js';

const metrics = {
  sent: () => counter('notification_sent_total', 'Notifications delivered, by channel and template', ['channel', 'template']),
  failed: () => counter('notification_failed_total', 'Notification sends that failed (retried by redelivery), by channel', ['channel']),
};

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
        const claimed = await this.deliveries.claim({
          _id: id,
          bookingId: notification.facts.bookingId,
          template: notification.template,
          channel,
          recipient: { role: notification.recipient.role, id: notification.recipient.id },
        });
        if (!claimed) continue;
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
}
