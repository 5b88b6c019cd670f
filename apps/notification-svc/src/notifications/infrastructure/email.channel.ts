import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { NotificationConfig } from '../../config/notification.config.js';
import { type ChannelMessage, ChannelError, type NotificationChannel } from './channel.port.js';

/** Email over SMTP (nodemailer). Without SMTP_URL the channel is unavailable and nothing is sent by email. */
@Injectable()
export class EmailChannel implements NotificationChannel, OnApplicationShutdown {
  readonly name = 'email' as const;
  private readonly logger = new Logger(EmailChannel.name);
  private readonly transport?: Transporter;

  constructor(private readonly config: NotificationConfig) {
    if (config.SMTP_URL) this.transport = nodemailer.createTransport(config.SMTP_URL);
    else this.logger.warn({ message: 'SMTP_URL is not set: email notifications are off' });
  }

  get available(): boolean {
    return this.transport !== undefined;
  }

  /** Sends one email; resolves with the server's message id. A 5xx reply is permanent, a 4xx or no answer temporary. */
  async send({ to, message, deliveryId }: ChannelMessage): Promise<string> {
    if (!this.transport) throw new ChannelError('EMAIL_NOT_CONFIGURED', 'email is not configured', true);
    try {
      const info = await this.transport.sendMail({
        from: this.config.MAIL_FROM,
        to,
        subject: message.subject,
        text: message.body,
        headers: { 'X-Notification-Id': deliveryId, 'X-App-Link': message.appLink },
      });
      return String(info.messageId);
    } catch (error) {
      const responseCode = (error as { responseCode?: number }).responseCode;
      if (responseCode) throw new ChannelError(`SMTP_${responseCode}`, (error as Error).message, responseCode >= 500);
      throw new ChannelError('SMTP_UNAVAILABLE', (error as Error).message, false);
    }
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
