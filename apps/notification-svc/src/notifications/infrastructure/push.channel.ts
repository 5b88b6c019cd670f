import { Injectable, Logger } from '@nestjs/common';
import { JWT } from 'google-auth-library';
import { NotificationConfig } from '../../config/notification.config.js';
import { type ChannelMessage, ChannelError, type NotificationChannel } from './channel.port.js';

/** A send FCM has not answered by then is retried later (it must not hold the event consumer). */
const SEND_TIMEOUT_MS = 10_000;
const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
/** The token endpoint google-auth-library posts to; a key whose token_uri differs is honoured instead. */
const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';

interface ServiceAccountKey {
  project_id: string;
  client_email: string;
  private_key: string;
  private_key_id?: string;
  token_uri?: string;
}

interface FcmErrorBody {
  error?: { status?: string; message?: string; details?: Array<{ '@type'?: string; errorCode?: string }> };
}

function parseKey(json: string): ServiceAccountKey {
  const key = JSON.parse(json) as Partial<ServiceAccountKey>;
  for (const field of ['project_id', 'client_email', 'private_key'] as const)
    if (typeof key[field] !== 'string' || !key[field]) throw new Error(`FCM_SERVICE_ACCOUNT_JSON has no ${field}`);
  return key as ServiceAccountKey;
}

/**
 * Push through FCM's HTTP v1 API (`POST /v1/projects/{project}/messages:send`), authorised by an
 * OAuth2 access token that google-auth-library's JWT client gets from the service account key and
 * renews within five minutes of its end. A token refused anyway (401: revoked, a clock off) is
 * renewed once and the send repeated. The key is a secret: it is only ever handed to the JWT client,
 * never logged.
 */
@Injectable()
export class PushChannel implements NotificationChannel {
  readonly name = 'push' as const;
  private readonly logger = new Logger(PushChannel.name);
  private readonly client?: JWT;
  private readonly sendUrl?: string;

  constructor(config: NotificationConfig) {
    if (!config.FCM_SERVICE_ACCOUNT_JSON) {
      this.logger.warn({ message: 'FCM_SERVICE_ACCOUNT_JSON is not set: push notifications are off' });
      return;
    }
    const key = parseKey(config.FCM_SERVICE_ACCOUNT_JSON);
    this.client = new JWT({
      email: key.client_email,
      key: key.private_key,
      ...(key.private_key_id ? { keyId: key.private_key_id } : {}),
      scopes: [FCM_SCOPE],
    });
    const tokenUri = key.token_uri;
    if (tokenUri && tokenUri !== GOOGLE_TOKEN_URI) {
      // The library posts the signed assertion to Google's endpoint; the key names another one (a test's, a private universe's).
      this.client.transporter.interceptors.request.add({
        resolved: async (options) => {
          if (String(options.url) === GOOGLE_TOKEN_URI) options.url = new URL(tokenUri);
          return options;
        },
      });
    }
    this.sendUrl = `${config.FCM_BASE_URL.replace(/\/$/, '')}/v1/projects/${encodeURIComponent(key.project_id)}/messages:send`;
  }

  get available(): boolean {
    return this.client !== undefined;
  }

  /** Sends to one device; resolves with FCM's message name. */
  async send({ to, message, deliveryId, template, bookingId }: ChannelMessage): Promise<string> {
    if (!this.client || !this.sendUrl) throw new ChannelError('PUSH_NOT_CONFIGURED', 'push is not configured', true);
    const data: Record<string, string> = {
      link: message.link,
      appLink: message.appLink,
      template,
      notificationId: deliveryId,
      ...(bookingId ? { bookingId } : {}),
    };
    try {
      return await this.post(to, message, data);
    } catch (error) {
      if ((error as { response?: { status?: number } }).response?.status !== 401) throw this.failure(error);
    }
    // The library renews only a token it believes is expiring: mark it so, then send once more.
    this.client.setCredentials({ refresh_token: this.client.credentials.refresh_token ?? null, expiry_date: 1 });
    try {
      return await this.post(to, message, data);
    } catch (error) {
      throw this.failure(error);
    }
  }

  private async post(to: string, message: ChannelMessage['message'], data: Record<string, string>): Promise<string> {
    const response = await this.client!.request<{ name: string }>({
      url: this.sendUrl!,
      method: 'POST',
      data: {
        message: {
          token: to,
          notification: { title: message.push.title, body: message.push.body },
          data,
          android: { priority: 'high', notification: { click_action: 'FLUTTER_NOTIFICATION_CLICK' } },
          apns: { payload: { aps: { sound: 'default' } } },
        },
      },
      retry: false,
      timeout: SEND_TIMEOUT_MS,
    });
    return response.data.name;
  }

  /** FCM's answer as a ChannelError: an unregistered or malformed token is permanent and forgotten; quota and outages are retried. */
  private failure(error: unknown): ChannelError {
    const response = (error as { response?: { status?: number; data?: FcmErrorBody } }).response;
    if (!response?.status) return new ChannelError('FCM_UNREACHABLE', (error as Error).message, false);
    const body = response.data?.error;
    const code = body?.details?.find((detail) => detail.errorCode)?.errorCode ?? body?.status ?? `FCM_${response.status}`;
    const message = body?.message ?? `FCM answered ${response.status}`;
    if (code === 'UNREGISTERED' || response.status === 404) return new ChannelError('UNREGISTERED', message, true, true);
    if (code === 'INVALID_ARGUMENT' || response.status === 400) return new ChannelError('INVALID_ARGUMENT', message, true, true);
    if (code === 'SENDER_ID_MISMATCH') return new ChannelError(code, message, true, true);
    return new ChannelError(code, message, response.status !== 429 && response.status < 500 && response.status !== 401);
  }
}
