import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { counter } from '@bp/platform';
import { NotificationConfig } from '../../config/notification.config.js';
import type { Channel } from '../../recipients/domain/preferences.js';
import { RecipientRepository } from '../../recipients/infrastructure/recipient.repository.js';
import { nextAttemptAt } from '../domain/retry-policy.js';
import { ChannelError } from '../infrastructure/channel.port.js';
import { type Delivery, DeliveryRepository, type NewDelivery } from '../infrastructure/delivery.repository.js';
import { NotificationChannels } from '../infrastructure/notification-channels.js';

const metrics = {
  sent: () => counter('notification_sent_total', 'Notifications delivered, by channel and template', ['channel', 'template']),
  failed: () => counter('notification_failed_total', 'Failed send attempts (each retry that fails counts again), by channel', ['channel']),
  gaveUp: () =>
    counter('notification_gave_up_total', 'Deliveries marked failed after their last attempt or a permanent refusal (NotificationFailed emitted), by channel', [
      'channel',
    ]),
  skipped: () => counter('notification_skipped_total', 'Deliveries not sent, by channel and reason (CONTACT_UNVERIFIED)', ['channel', 'reason']),
};
// Registered when the service loads, so they are scraped (and alertable) before the first send.
for (const declare of Object.values(metrics)) declare();

/** A short, stable name for one device in a delivery id (the token itself stays out of ids and logs). */
export function deviceKey(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 16);
}

/** The delivery id of one message on one channel: per device for push, so each device is tried and retried on its own. */
export function deliveryId(base: string, channel: Channel, address: string): string {
  return channel === 'push' ? `${base}:push:${deviceKey(address)}` : `${base}:${channel}`;
}

/**
 * Sends one delivery through its channel and records the outcome: sent; a failure that may pass is
 * retried with backoff (NOTIFICATION_RETRY_BASE_MS, doubling) by the sweep; a permanent refusal or
 * the last of NOTIFICATION_MAX_ATTEMPTS marks it failed and emits NotificationFailed. A device FCM
 * no longer knows is forgotten.
 */
@Injectable()
export class DeliveryDispatcher {
  private readonly logger = new Logger(DeliveryDispatcher.name);

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly channels: NotificationChannels,
    private readonly recipients: RecipientRepository,
    private readonly config: NotificationConfig,
  ) {}

  /** Sends now, or records it for the sweep when it must wait until `notBefore`. Nothing happens for an id seen before. */
  async dispatch(delivery: NewDelivery, notBefore?: Date): Promise<void> {
    if (notBefore) return this.deliveries.defer(delivery, notBefore);
    const claimed = await this.deliveries.claim(delivery);
    if (claimed) await this.attempt(claimed);
  }

  /** Records a delivery that is not sent (its contact is not verified), so the booking's notification status says why. */
  async skip(delivery: NewDelivery, reason: string): Promise<void> {
    if (!(await this.deliveries.recordSkipped(delivery, reason))) return;
    metrics.skipped().inc({ channel: delivery.channel, reason });
    this.logger.log({ message: 'notification not sent', deliveryId: delivery._id, channel: delivery.channel, reason });
  }

  /** Sends what is due: held deliveries whose window ended, retries whose wait is over, sends abandoned by a crash. */
  async sendDue(now: Date = new Date()): Promise<number> {
    let sent = 0;
    for (const due of await this.deliveries.due(now)) {
      const claimed = await this.deliveries.claimDue(due, new Date());
      if (claimed && (await this.attempt(claimed))) sent++;
    }
    return sent;
  }

  private async attempt(delivery: Delivery): Promise<boolean> {
    const { channel } = delivery;
    try {
      const providerMessageId = await this.channels.get(channel).send({
        to: delivery.address,
        message: delivery.message,
        deliveryId: delivery._id,
        template: delivery.template,
        ...(delivery.bookingId ? { bookingId: delivery.bookingId } : {}),
      });
      await this.deliveries.markSent(delivery._id, providerMessageId);
      metrics.sent().inc({ channel, template: delivery.template });
      return true;
    } catch (error) {
      await this.failed(delivery, ChannelError.of(error, 'SEND_FAILED'));
      return false;
    }
  }

  private async failed(delivery: Delivery, failure: ChannelError): Promise<void> {
    const { channel, recipient } = delivery;
    metrics.failed().inc({ channel });
    if (failure.addressGone && channel === 'push') await this.recipients.removeDevice(recipient.role, recipient.id, delivery.address);
    const now = new Date();
    const retryAt = nextAttemptAt(
      delivery.attempts,
      { maxAttempts: this.config.NOTIFICATION_MAX_ATTEMPTS, baseMs: this.config.NOTIFICATION_RETRY_BASE_MS },
      failure.permanent,
      now,
    );
    const log = { deliveryId: delivery._id, channel, attempts: delivery.attempts, code: failure.code };
    if (retryAt) {
      await this.deliveries.retryLater(delivery._id, retryAt, failure, now);
      this.logger.warn({ message: 'notification send failed; retrying later', retryAt: retryAt.toISOString(), ...log });
    } else {
      await this.deliveries.markFailed(delivery, failure, now);
      metrics.gaveUp().inc({ channel });
      this.logger.warn({ message: 'notification delivery failed for good', ...log });
    }
  }
}
