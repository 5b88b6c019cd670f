import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { NotificationConfig } from '../../config/notification.config.js';
import type { RenderedNotification } from '../domain/render.js';

/** Email over SMTP (nodemailer). Without SMTP_URL the channel is unavailable and nothing is sent by email. */
@Injectable()
export class EmailChannel implements OnApplicationShutdown {
  private readonly logger = new Logger(EmailChannel.name);
  private readonly transport?: Transporter;

  constructor(private readonly config: NotificationConfig) {
    if (config.SMTP_URL) this.transport = nodemailer.createTransport(config.SMTP_URL);
    else this.logger.warn({ message: 'SMTP_URL is not set: email notifications are off' });
  }

  get available(): boolean {
    return this.transport !== undefined;
  }

  /** Sends one email; resolves with the server's message id, rejects when the server refused or was unreachable. */
  async send(to: string, message: RenderedNotification, idempotencyId: string): Promise<string> {
    if (!this.transport) throw new Error('email is not configured');
    const info = await this.transport.sendMail({
      from: this.config.MAIL_FROM,
      to,
      subject: message.subject,
      text: message.body,
      headers: { 'X-Notification-Id': idempotencyId, 'X-App-Link': message.appLink },
    });
    return String(info.messageId);
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
