import { Injectable } from '@nestjs/common';
import type { Channel } from '../../recipients/domain/preferences.js';
import type { NotificationChannel } from './channel.port.js';
import { EmailChannel } from './email.channel.js';
import { PushChannel } from './push.channel.js';
import { SmsChannel } from './sms.channel.js';

/** The channel adapters by name. */
@Injectable()
export class NotificationChannels {
  private readonly byName: Record<Channel, NotificationChannel>;

  constructor(email: EmailChannel, push: PushChannel, sms: SmsChannel) {
    this.byName = { email, push, sms };
  }

  get(channel: Channel): NotificationChannel {
    return this.byName[channel];
  }
}
