import { Injectable } from '@nestjs/common';
import { NotificationConfig } from '../../config/notification.config.js';
import { sendAfter } from '../../recipients/domain/quiet-hours.js';
import { RecipientRepository } from '../../recipients/infrastructure/recipient.repository.js';
import { renderDigest } from '../domain/render.js';
import { type Digest, DigestRepository } from '../infrastructure/digest.repository.js';
import { deliveryId } from './delivery-dispatcher.js';
import { Notifier } from './notifier.js';

export const DIGEST_TEMPLATE = 'new_request_digest';

/**
 * Sends each provider's hourly or daily digest once its period has ended: one message per channel
 * listing the period's requests. The digest is claimed before and marked sent after; its deliveries
 * have ids of their own (digest, channel, device), so a second sweep or a crash in between sends
 * nothing twice. Quiet hours hold a digest, and an unverified email or phone gets none, like any other message.
 */
@Injectable()
export class DigestSender {
  constructor(
    private readonly digests: DigestRepository,
    private readonly recipients: RecipientRepository,
    private readonly notifier: Notifier,
    private readonly config: NotificationConfig,
  ) {}

  async sendDue(now: Date = new Date()): Promise<number> {
    let sent = 0;
    for (const due of await this.digests.due(now)) {
      const digest = await this.digests.claim(due);
      if (!digest) continue;
      await this.send(digest, now);
      await this.digests.markSent(digest._id);
      sent++;
    }
    return sent;
  }

  private async send(digest: Digest, now: Date): Promise<void> {
    const preferences = await this.recipients.find('provider', digest.providerId);
    const message = renderDigest(DigestRepository.contents(digest), { appHost: this.config.APP_HOST, appScheme: this.config.APP_SCHEME }, preferences.locale);
    const notBefore = sendAfter(preferences, digest.timezone, now, false);
    const bookingIds = [...new Set(digest.items.map((item) => item.bookingId))];
    const provider = { role: 'provider' as const, id: digest.providerId };
    await this.notifier.send(provider, preferences, notBefore, (channel, address) => ({
      _id: deliveryId(`digest:${digest._id}`, channel, address),
      bookingIds,
      template: DIGEST_TEMPLATE,
      channel,
      recipient: provider,
      address,
      message,
    }));
  }
}
