import { Injectable, Logger } from '@nestjs/common';
import twilio, { type Twilio } from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import { NotificationConfig } from '../../config/notification.config.js';
import { type ChannelMessage, ChannelError, type NotificationChannel } from './channel.port.js';

const TWILIO_API = 'https://api.twilio.com';

/**
 * The SDK's own HTTP client, sending what it would send to api.twilio.com to TWILIO_API_BASE
 * instead (the SDK has no base-URL option; a custom httpClient is its documented extension point).
 */
class RebasedRequestClient extends twilio.RequestClient {
  constructor(private readonly base: string) {
    super();
  }

  override request<T>(options: RequestClient.RequestOptions<T>) {
    const uri = options.uri.startsWith(TWILIO_API) ? `${this.base}${options.uri.slice(TWILIO_API.length)}` : options.uri;
    return super.request<T>({ ...options, uri });
  }
}

/** SMS through Twilio's Messages API with the official SDK. The auth token is a secret: given to the SDK only. */
@Injectable()
export class SmsChannel implements NotificationChannel {
  readonly name = 'sms' as const;
  private readonly logger = new Logger(SmsChannel.name);
  private readonly client?: Twilio;

  constructor(private readonly config: NotificationConfig) {
    if (!config.TWILIO_ACCOUNT_SID || !config.TWILIO_AUTH_TOKEN || !config.TWILIO_FROM) {
      this.logger.warn({ message: 'TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN or TWILIO_FROM is not set: SMS notifications are off' });
      return;
    }
    const base = config.TWILIO_API_BASE.replace(/\/$/, '');
    this.client = twilio(config.TWILIO_ACCOUNT_SID, config.TWILIO_AUTH_TOKEN, {
      ...(base === TWILIO_API ? {} : { httpClient: new RebasedRequestClient(base) }),
      timeout: 10_000,
    });
  }

  get available(): boolean {
    return this.client !== undefined;
  }

  /** Sends one SMS (its text ends with the booking's link); resolves with Twilio's message SID. */
  async send({ to, message }: ChannelMessage): Promise<string> {
    if (!this.client) throw new ChannelError('SMS_NOT_CONFIGURED', 'SMS is not configured', true);
    const sender = this.config.TWILIO_FROM!;
    try {
      const sent = await this.client.messages.create({
        to,
        body: message.sms,
        ...(sender.startsWith('MG') ? { messagingServiceSid: sender } : { from: sender }),
      });
      return sent.sid;
    } catch (error) {
      const { status, code } = error as { status?: number; code?: number };
      if (!status) throw new ChannelError('TWILIO_UNREACHABLE', (error as Error).message, false);
      // Twilio's 4xx (an invalid or unsubscribed number, 21211, 21610) will not change by retrying; 429 and 5xx may.
      throw new ChannelError(`TWILIO_${code ?? status}`, (error as Error).message, status < 500 && status !== 429);
    }
  }
}
