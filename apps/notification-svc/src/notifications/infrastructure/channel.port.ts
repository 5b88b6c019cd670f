import type { Channel } from '../../recipients/domain/preferences.js';
import type { RenderedNotification } from '../domain/render.js';

/** One message for one channel: the address (email, device token or phone), the texts, and what it is about. */
export interface ChannelMessage {
  to: string;
  message: RenderedNotification;
  deliveryId: string;
  template: string;
  bookingId?: string;
}

/** A way to reach a person (email, push, SMS), behind which sits one provider's API. */
export interface NotificationChannel {
  readonly name: Channel;
  /** False when the channel is not configured: nothing is sent on it. */
  readonly available: boolean;
  /** Sends one message; resolves with the provider's message id, rejects with a ChannelError. */
  send(message: ChannelMessage): Promise<string>;
}

/**
 * Why a provider did not take a message, as a stable code (UNREGISTERED, TWILIO_21211, SMTP_451…).
 * Permanent failures are not retried; `addressGone` means the address itself is dead (an uninstalled
 * app's token) and is forgotten.
 */
export class ChannelError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly permanent: boolean,
    readonly addressGone = false,
  ) {
    super(message);
  }

  /** Any error as a ChannelError: unknown ones (network, timeouts) are temporary. */
  static of(error: unknown, fallbackCode: string): ChannelError {
    return error instanceof ChannelError ? error : new ChannelError(fallbackCode, (error as Error)?.message ?? String(error), false);
  }
}
