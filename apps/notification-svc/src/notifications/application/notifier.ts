import { Injectable } from '@nestjs/common';
import { NotificationConfig } from '../../config/notification.config.js';
import { isVerified } from '../../recipients/domain/contact-verification.js';
import { type Channel, type Person, type RecipientPreferences, addressesFor, channelsFor } from '../../recipients/domain/preferences.js';
import { sendAfter } from '../../recipients/domain/quiet-hours.js';
import { ContactVerificationRepository } from '../../recipients/infrastructure/contact-verification.repository.js';
import { RecipientRepository } from '../../recipients/infrastructure/recipient.repository.js';
import { type PlannedNotification, URGENT } from '../domain/notification-types.js';
import { render } from '../domain/render.js';
import type { NewDelivery } from '../infrastructure/delivery.repository.js';
import { DigestRepository } from '../infrastructure/digest.repository.js';
import { NotificationChannels } from '../infrastructure/notification-channels.js';
import { DeliveryDispatcher, deliveryId } from './delivery-dispatcher.js';

/** Why a delivery was not sent: its email or phone is not verified (yet). */
export const CONTACT_UNVERIFIED = 'CONTACT_UNVERIFIED';

/**
 * Sends planned notifications on the channels each recipient chose and can be reached by: one
 * delivery per (event, recipient, channel) — per device for push — so a redelivered event sends
 * nothing twice. An email or phone not verified yet gets nothing (its delivery is recorded as
 * skipped). A provider who wants new requests hourly or daily gets them in a digest instead.
 * Failed sends do not fail the event: the dispatcher retries them on its own schedule.
 */
@Injectable()
export class Notifier {
  constructor(
    private readonly recipients: RecipientRepository,
    private readonly verifications: ContactVerificationRepository,
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
      const person = { role: recipient.role, id: recipient.id };
      await this.send(person, preferences, notBefore, (channel, address) => ({
        _id: deliveryId(`${eventId}:${recipient.role}:${recipient.id}`, channel, address),
        bookingId: facts.bookingId,
        template,
        channel,
        recipient: person,
        address,
        message,
      }));
    }
  }

  /**
   * Sends one message to a person on every channel they can be reached by, now or at `notBefore`. On
   * an email or phone they have not verified it is not sent, only recorded as skipped: nothing but
   * its verification code goes to a contact before its owner proved it is theirs.
   */
  async send(person: Person, preferences: RecipientPreferences, notBefore: Date | undefined, delivery: (channel: Channel, address: string) => NewDelivery) {
    const reachable = this.reachable(preferences);
    // Read only for someone with an email or phone to reach (most people get push only, or nothing).
    const verifications = reachable.some(({ channel }) => channel !== 'push') ? await this.verifications.findAll(person) : {};
    for (const { channel, address } of reachable) {
      const unverified = channel !== 'push' && !isVerified(verifications[channel], address);
      if (unverified) await this.dispatcher.skip(delivery(channel, address), CONTACT_UNVERIFIED);
      else await this.dispatcher.dispatch(delivery(channel, address), notBefore);
    }
  }

  /** Every (channel, address) a message to this person goes to: channels they turned on, configured here, with an address. */
  private reachable(preferences: RecipientPreferences) {
    return channelsFor(preferences)
      .filter((channel) => this.channels.get(channel).available)
      .flatMap((channel) => addressesFor(preferences, channel).map((address) => ({ channel, address })));
  }
}
