import { IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min } from 'class-validator';
import { IdempotentServiceConfig, Secret } from '@bp/platform';

const url = { require_tld: false, protocols: ['http', 'https'], require_protocol: true };

export class CalendarConfig extends IdempotentServiceConfig {
  override PORT = 3003;
  override MONGO_DB = 'calendar';

  /** AES-256-GCM key for OAuth tokens at rest: 32 bytes, base64. Never logged. */
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'CALENDAR_TOKEN_KEY must be 32 bytes, base64-encoded' })
  @Secret({ minLength: 44 })
  CALENDAR_TOKEN_KEY: string;

  /** The key before the last rotation: tokens it sealed still open, and are sealed again with the current key when refreshed. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'CALENDAR_TOKEN_PREVIOUS_KEY must be 32 bytes, base64-encoded' })
  CALENDAR_TOKEN_PREVIOUS_KEY?: string;

  /** Where the provider portal receives the OAuth redirect (registered with Google and Microsoft). */
  @IsUrl(url)
  CALENDAR_OAUTH_REDIRECT_URI: string = 'http://localhost:3000/portal/calendar/callback';

  /** Google OAuth client; Google connections are refused while unset. */
  @IsOptional()
  @IsString()
  GOOGLE_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  @Secret({ optional: true, minLength: 16 })
  GOOGLE_CLIENT_SECRET?: string;

  @IsUrl(url)
  GOOGLE_OAUTH_AUTH_URL: string = 'https://accounts.google.com/o/oauth2/v2/auth';

  @IsUrl(url)
  GOOGLE_OAUTH_TOKEN_URL: string = 'https://oauth2.googleapis.com/token';

  @IsUrl(url)
  GOOGLE_OAUTH_REVOKE_URL: string = 'https://oauth2.googleapis.com/revoke';

  /** Root of Google's APIs (the Calendar v3 paths are appended by the SDK). */
  @IsUrl(url)
  GOOGLE_API_BASE_URL: string = 'https://www.googleapis.com/';

  /** Microsoft identity platform app; Microsoft connections are refused while unset. */
  @IsOptional()
  @IsString()
  MICROSOFT_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  @Secret({ optional: true, minLength: 16 })
  MICROSOFT_CLIENT_SECRET?: string;

  /** The authority's OAuth 2.0 base (`/authorize` and `/token` are appended). */
  @IsUrl(url)
  MICROSOFT_AUTHORITY_URL: string = 'https://login.microsoftonline.com/common/oauth2/v2.0';

  /** Microsoft Graph root (the client appends `v1.0/...`). */
  @IsUrl(url)
  GRAPH_BASE_URL: string = 'https://graph.microsoft.com/';

  /** How long a free/busy answer is reused before the calendar is asked again. */
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  FREEBUSY_CACHE_TTL_MS: number = 60_000;

  /** How far ahead busy times are copied to booking-svc's availability. */
  @IsInt()
  @Min(1)
  @Max(365)
  BUSY_SYNC_HORIZON_DAYS: number = 60;

  /** Calls to a calendar API per sync attempt (429 and 5xx are retried with backoff, honouring Retry-After). */
  @IsInt()
  @Min(1)
  @Max(10)
  CALENDAR_CALL_ATTEMPTS: number = 3;

  /** First backoff between calendar API retries; doubled each time. */
  @IsInt()
  @Min(1)
  @Max(60_000)
  CALENDAR_RETRY_BASE_MS: number = 500;

  /** A Retry-After longer than this is not waited for inline: the write is marked failed and the sync job retries it. */
  @IsInt()
  @Min(0)
  @Max(60_000)
  CALENDAR_MAX_INLINE_WAIT_MS: number = 5_000;

  /** The sync job's first wait before retrying a failed event write; doubled per failure, at most an hour. */
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  CALENDAR_SYNC_RETRY_BASE_MS: number = 60_000;

  /** Failed event writes are given up (left `failed` for an admin) after this many sync attempts. */
  @IsInt()
  @Min(1)
  @Max(100)
  CALENDAR_SYNC_MAX_ATTEMPTS: number = 10;

  /**
   * How long an OAuth `state` is kept after it expired (10 minutes after the consent screen was
   * offered; used or not, it is refused from then on): only for looking into a failed connection.
   */
  @IsInt()
  @Min(1)
  @Max(365)
  OAUTH_STATE_RETENTION_DAYS: number = 1;
}
