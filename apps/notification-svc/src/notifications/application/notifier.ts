import { Injectable } from '@nestjs/common';
import { NotificationConfig } from '../../config/notification.config.js';
import { type RecipientPreferences, addressesFor, channelsFor } from '../../recipients/domain/preferences.js';
import { sendAfter } from '../../recipients/domain/quiet-hours.js';
import { RecipientRepository } from '../../recipients/infrastructure/recipient.repository.js';
import { type PlannedNotification, URGENT } from '../domain/notification-types.js';
import { render } from '../domain/render.js';
import { DigestRepository } from '../infrastructure/digest.repository.js';
import { NotificationChannels } from '../infrastructure/notification-channels.js';
import { DeliveryDispatcher, deliveryId } from './delivery-dispatcher.js';

/**
 * Sends planned notifications on the channels each recipient chose and can be reached by: one
 * delivery per (event, recipient, channel) — per device for push — so a redelivered event sends
 * nothing twice. A provider who wants new requests hourly or daily gets them in a digest instead.
 * Failed sends do not fail the event: the dispatcher retries them on its own schedule.
 */
@Injectable()
export class Notifier {
  constructor(
    private readonly recipients: RecipientRepository,
    private readonly dispatcher: DeliveryDispatcher,
    private readonly channels: NotificationChannels,
    private readonly digests: DigestRepository,
    private readonly config: NotificationConfig,
  ) {}

  async deliver(eventId: string, planned: PlannedNotification[]): Promise<void> {
    for (const notification of planned) {
      const { recipient, template, facts } = notification;
      const preferences = await this.recipients.find(recipient.role, recipient.id);
      if (template === 'expiring_warning' && !preferences.frequency.expiringReminder) continue;
      const frequency = preferences.frequency.newBookingRequest;
      if (template === 'new_request' && recipient.role === 'provider' && frequency !== 'immediate') {
        const { bookingId, bookingNumber, startTime, deadline } = facts;
        await this.digests.add(recipient.id, frequency, recipient.timezone, { eventId, bookingId, bookingNumber, startTime, deadline });
        continue;
      }
      const message = render(notification, { appHost: this.config.APP_HOST, appScheme: this.config.APP_SCHEME }, preferences.locale);
      const notBefore = sendAfter(preferences, recipient.timezone, new Date(), URGENT.has(template));
      for (const { channel, address } of this.reachable(preferences)) {
        await this.dispatcher.dispatch(
          {
            _id: deliveryId(`${eventId}:${recipient.role}:${recipient.id}`, channel, address),
            bookingId: facts.bookingId,
            template,
            channel,
            recipient: { role: recipient.role, id: recipient.id },
            address,
            message,
          },
          notBefore,
        );
      }
    }
  }

  /** Every (channel, address) a message to this person goes to: channels they turned on, configured here, with an address. */
  reachable(preferences: RecipientPreferences) {
    return channelsFor(preferences)
      .filter((channel) => this.channels.get(channel).available)
      .flatMap((channel) => addressesFor(preferences, channel).map((address) => ({ channel, address })));
  }
}
