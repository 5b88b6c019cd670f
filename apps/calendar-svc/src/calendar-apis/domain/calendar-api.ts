/** The calendar services a provider can connect. */
export type CalendarProviderName = 'google' | 'microsoft';

export const CALENDAR_PROVIDERS: readonly CalendarProviderName[] = ['google', 'microsoft'];

export interface OAuthTokens {
  accessToken: string;
  /** Present on the first exchange; a refresh may or may not rotate it. */
  refreshToken?: string;
  expiresAt: Date;
  scope?: string;
}

export interface Interval {
  start: Date;
  end: Date;
}

/** What the provider's calendar should show for one booking. */
export interface CalendarEventContent {
  /** Our stable key for the event: Google takes it as the event id, Graph as the transaction id, so a retried create makes no copy. */
  key: string;
  summary: string;
  description: string;
  start: Date;
  end: Date;
  timezone: string;
}

/**
 * One calendar service behind a port: OAuth, free/busy and event writes. Implementations call the
 * real SDK (or HTTP API); a failure is thrown as a CalendarApiError saying whether to retry.
 */
export interface CalendarApi {
  readonly name: CalendarProviderName;
  configured(): boolean;
  authorizationUrl(state: string, redirectUri: string): string;
  exchangeCode(code: string, redirectUri: string): Promise<OAuthTokens & { accountEmail?: string }>;
  refresh(refreshToken: string): Promise<OAuthTokens>;
  revoke(token: string): Promise<void>;
  busy(accessToken: string, window: Interval, accountEmail?: string): Promise<Interval[]>;
  /** Creates the event, or finds the one an earlier attempt with the same key created; returns its id. */
  createEvent(accessToken: string, event: CalendarEventContent): Promise<{ id: string; link?: string }>;
  updateEvent(accessToken: string, eventId: string, event: CalendarEventContent): Promise<void>;
  /** Deleting an event that is already gone succeeds. */
  deleteEvent(accessToken: string, eventId: string): Promise<void>;
}

export type CalendarFailure = 'unauthorized' | 'rate_limited' | 'unavailable' | 'not_found' | 'conflict' | 'invalid_grant' | 'rejected';

/** A calendar API answer other than success, classified for the retry policy. */
export class CalendarApiError extends Error {
  constructor(
    readonly failure: CalendarFailure,
    message: string,
    readonly status?: number,
    /** From a 429's or 503's Retry-After. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'CalendarApiError';
  }

  get retryable(): boolean {
    return this.failure === 'rate_limited' || this.failure === 'unavailable';
  }
}

/** Classifies an HTTP status (and Retry-After header value) into a CalendarApiError. */
export function calendarApiError(status: number | undefined, message: string, retryAfter?: string | null, body?: string): CalendarApiError {
  const retryAfterMs = parseRetryAfter(retryAfter);
  if (status === 429) return new CalendarApiError('rate_limited', message, status, retryAfterMs);
  if (status === 401) return new CalendarApiError('unauthorized', message, status);
  if (status === 404 || status === 410) return new CalendarApiError('not_found', message, status);
  if (status === 409) return new CalendarApiError('conflict', message, status);
  if (status === 400 && body?.includes('invalid_grant')) return new CalendarApiError('invalid_grant', message, status);
  if (status === undefined || status >= 500 || status === 408) return new CalendarApiError('unavailable', message, status, retryAfterMs);
  return new CalendarApiError('rejected', message, status);
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
