import { IsEmail, IsInt, IsJSON, IsOptional, IsString, IsUrl, Matches, Max, Min } from 'class-validator';
import { IdempotentServiceConfig, Secret } from '@bp/platform';

export class NotificationConfig extends IdempotentServiceConfig {
  override PORT = 3004;
  override MONGO_DB = 'notification';

  /** The SMTP server email goes through (smtp:// or smtps://, credentials in the URL); email is off when unset. */
  @IsOptional()
  @Matches(/^smtps?:\/\//, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  @IsEmail()
  MAIL_FROM = 'bookings@example.health';

  /** The app's web host for universal links (https://<host>/booking/:id). */
  @IsString()
  APP_HOST = 'app.example.health';

  /** The app's URL scheme for deep links (<scheme>://booking/:id). */
  @Matches(/^[a-z][a-z0-9+.-]*$/, { message: 'APP_SCHEME must be a URL scheme' })
  APP_SCHEME = 'examplehealth';

  /** How often notifications held by quiet hours, or waiting for a retry, are checked for sending. */
  @IsInt()
  @Min(200)
  @Max(3_600_000)
  DEFERRED_SWEEP_INTERVAL_MS: number = 30_000;

  /**
   * The Firebase service account key (the JSON file Google issues: project_id, client_email,
   * private_key, token_uri) that push notifications are sent with; push is off when unset. A secret.
   */
  @IsOptional()
  @IsJSON({ message: 'FCM_SERVICE_ACCOUNT_JSON must be the service account key file as JSON' })
  FCM_SERVICE_ACCOUNT_JSON?: string;

  /** Where FCM's HTTP v1 API is (tests point it at a local server). */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  FCM_BASE_URL = 'https://fcm.googleapis.com';

  /** Twilio account SID (AC…); SMS is off unless the SID, the auth token and a sender are set. */
  @IsOptional()
  @Matches(/^AC[0-9a-fA-F]{32}$/, { message: 'TWILIO_ACCOUNT_SID must look like AC followed by 32 hex digits' })
  TWILIO_ACCOUNT_SID?: string;

  /** Twilio auth token. A secret. */
  @IsOptional()
  @IsString()
  @Secret({ optional: true })
  TWILIO_AUTH_TOKEN?: string;

  /** The sender: an E.164 number, or a Messaging Service SID (MG…). */
  @IsOptional()
  @Matches(/^(\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32})$/, { message: 'TWILIO_FROM must be an E.164 number or a Messaging Service SID' })
  TWILIO_FROM?: string;

  /** Where Twilio's REST API is (tests point it at a local server). */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  TWILIO_API_BASE = 'https://api.twilio.com';

  /** Attempts per delivery (the first send included) before it is marked failed and NotificationFailed is emitted. */
  @IsInt()
  @Min(1)
  @Max(20)
  NOTIFICATION_MAX_ATTEMPTS: number = 5;

  /** Wait before the first retry of a failed send; it doubles with each further attempt (capped at one hour). */
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  NOTIFICATION_RETRY_BASE_MS: number = 10_000;

  /** How often hourly and daily new-request digests whose period has ended are checked for sending. */
  @IsInt()
  @Min(200)
  @Max(3_600_000)
  DIGEST_SWEEP_INTERVAL_MS: number = 60_000;

  /**
   * How long a delivery record is kept after it was sent or given up: what admins see of a booking's
   * messages (and what makes a repeated event send nothing twice, which the inbox's 30 days cover too).
   * Deliveries still waiting (quiet hours, retries) or being sent are never deleted (docs/retention.md).
   */
  @IsInt()
  @Min(1)
  @Max(3650)
  DELIVERY_RETENTION_DAYS: number = 90;

  /** How long a sent new-request digest is kept after it was sent (its messages are deliveries of their own); open ones are never deleted. */
  @IsInt()
  @Min(1)
  @Max(3650)
  DIGEST_RETENTION_DAYS: number = 30;

  /** How long a contact verification code (sent when an email or phone is set) may be entered. */
  @IsInt()
  @Min(1)
  @Max(1440)
  CONTACT_CODE_TTL_MINUTES: number = 15;

  /** Wrong codes tried before a code is void (a new one must be asked for). */
  @IsInt()
  @Min(1)
  @Max(20)
  CONTACT_CODE_MAX_ATTEMPTS: number = 5;

  /** Least time between two codes sent to one person's email (or phone), whatever the address. */
  @IsInt()
  @Min(1)
  @Max(86_400)
  CONTACT_CODE_RESEND_INTERVAL_SECONDS: number = 60;

  /** Codes sent to one person's email (or phone) per UTC day, the first included. */
  @IsInt()
  @Min(1)
  @Max(100)
  CONTACT_CODE_MAX_PER_DAY: number = 5;
}
