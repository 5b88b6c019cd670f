import { Client, type Context, HTTPMessageHandler, type Middleware } from '@microsoft/microsoft-graph-client';
import { CalendarConfig } from '../../config/calendar.config.js';
import { type CalendarApi, type CalendarEventContent, type Interval, type OAuthTokens, calendarApiError } from '../domain/calendar-api.js';

const SCOPES = 'offline_access User.Read Calendars.ReadWrite';

interface GraphErrorLike {
  statusCode?: number;
  message: string;
  headers?: Headers;
  body?: unknown;
}

function classify(error: unknown): never {
  const failure = error as GraphErrorLike;
  const status = failure.statusCode && failure.statusCode > 0 ? failure.statusCode : undefined;
  throw calendarApiError(status, `Microsoft Graph: ${failure.message}`, failure.headers?.get?.('retry-after'), String(failure.body ?? ''));
}

interface TokenAnswer {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  scope?: string;
  error?: string;
  error_description?: string;
}

/**
 * Puts the connection's access token on every request to the configured Graph root. (The SDK's own
 * AuthenticationHandler only does so for https hosts it recognises, which a local Graph is not.)
 */
class BearerToken implements Middleware {
  private next?: Middleware;

  constructor(private readonly accessToken: string) {}

  async execute(context: Context): Promise<void> {
    const headers = new Headers(context.options?.headers as ConstructorParameters<typeof Headers>[0]);
    headers.set('authorization', `Bearer ${this.accessToken}`);
    context.options = { ...context.options, headers: Object.fromEntries(headers) };
    await this.next!.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

/** Graph's dateTimeTimeZone in UTC (we ask with `Prefer: outlook.timezone="UTC"`). */
const utc = (value: { dateTime?: string }) => new Date(`${value.dateTime!.replace(/Z$/, '')}Z`);

/**
 * Microsoft 365 calendars through the official Graph client (`@microsoft/microsoft-graph-client`) and
 * the identity platform's OAuth 2.0 token endpoint; endpoints from config. The client's own retry
 * handler is left out, so 429s and 5xx follow the one retry policy of this service.
 */
export class MicrosoftGraphApi implements CalendarApi {
  readonly name = 'microsoft' as const;

  constructor(private readonly config: CalendarConfig) {}

  configured(): boolean {
    return Boolean(this.config.MICROSOFT_CLIENT_ID && this.config.MICROSOFT_CLIENT_SECRET);
  }

  private client(accessToken: string): Client {
    const auth = new BearerToken(accessToken);
    auth.setNext(new HTTPMessageHandler());
    return Client.initWithMiddleware({ middleware: auth, baseUrl: this.config.GRAPH_BASE_URL.replace(/\/$/, '') });
  }

  authorizationUrl(state: string, redirectUri: string): string {
    const url = new URL(`${this.config.MICROSOFT_AUTHORITY_URL}/authorize`);
    url.search = new URLSearchParams({
      client_id: this.config.MICROSOFT_CLIENT_ID ?? '',
      response_type: 'code',
      redirect_uri: redirectUri,
      response_mode: 'query',
      scope: SCOPES,
      state,
    }).toString();
    return url.href;
  }

  private async token(grant: Record<string, string>): Promise<OAuthTokens> {
    const response = await fetch(`${this.config.MICROSOFT_AUTHORITY_URL}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: this.config.MICROSOFT_CLIENT_ID ?? '',
        client_secret: this.config.MICROSOFT_CLIENT_SECRET ?? '',
        scope: SCOPES,
        ...grant,
      }),
      signal: AbortSignal.timeout(10_000),
    }).catch((error: Error) => classify({ message: error.message }));
    const answer = (await response.json().catch(() => ({}))) as TokenAnswer;
    if (!response.ok || !answer.access_token)
      throw calendarApiError(
        response.status,
        `Microsoft token endpoint: ${answer.error ?? response.status}`,
        response.headers.get('retry-after'),
        answer.error ?? '',
      );
    return {
      accessToken: answer.access_token,
      ...(answer.refresh_token ? { refreshToken: answer.refresh_token } : {}),
      expiresAt: new Date(Date.now() + (answer.expires_in ?? 3600) * 1000),
      ...(answer.scope ? { scope: answer.scope } : {}),
    };
  }

  async exchangeCode(code: string, redirectUri: string): Promise<OAuthTokens & { accountEmail?: string }> {
    const tokens = await this.token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
    const me = (await this.client(tokens.accessToken).api('/me').select('mail,userPrincipalName').get().catch(classify)) as {
      mail?: string;
      userPrincipalName?: string;
    };
    const accountEmail = me.mail ?? me.userPrincipalName;
    return { ...tokens, ...(accountEmail ? { accountEmail } : {}) };
  }

  refresh(refreshToken: string): Promise<OAuthTokens> {
    return this.token({ grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  /** The identity platform has no token revocation endpoint for delegated tokens; disconnecting forgets them. */
  revoke(): Promise<void> {
    return Promise.resolve();
  }

  async busy(accessToken: string, window: Interval, accountEmail?: string): Promise<Interval[]> {
    if (!accountEmail) throw calendarApiError(422, 'Microsoft free/busy needs the account’s address');
    const answer = (await this.client(accessToken)
      .api('/me/calendar/getSchedule')
      .header('Prefer', 'outlook.timezone="UTC"')
      .post({
        schedules: [accountEmail],
        startTime: { dateTime: window.start.toISOString().replace('Z', ''), timeZone: 'UTC' },
        endTime: { dateTime: window.end.toISOString().replace('Z', ''), timeZone: 'UTC' },
        availabilityViewInterval: 15,
      })
      .catch(classify)) as {
      value?: { error?: { message?: string }; scheduleItems?: { status?: string; start: { dateTime?: string }; end: { dateTime?: string } }[] }[];
    };
    const schedule = answer.value?.[0];
    if (!schedule || schedule.error) throw calendarApiError(502, `Graph getSchedule: ${schedule?.error?.message ?? 'no schedule returned'}`);
    // Tentative and out-of-office count as busy: a patient should not be booked into either.
    return (schedule.scheduleItems ?? [])
      .filter((item) => item.status !== 'free' && item.status !== 'workingElsewhere')
      .map((item) => ({ start: utc(item.start), end: utc(item.end) }));
  }

  private body(event: CalendarEventContent) {
    return {
      subject: event.summary,
      body: { contentType: 'text', content: event.description },
      start: { dateTime: event.start.toISOString().replace('Z', ''), timeZone: 'UTC' },
      end: { dateTime: event.end.toISOString().replace('Z', ''), timeZone: 'UTC' },
      originalStartTimeZone: event.timezone,
      originalEndTimeZone: event.timezone,
    };
  }

  async createEvent(accessToken: string, event: CalendarEventContent): Promise<{ id: string; link?: string }> {
    // transactionId makes Graph answer a retried create with the event it already made.
    const created = (await this.client(accessToken)
      .api('/me/events')
      .post({ ...this.body(event), transactionId: event.key })
      .catch(classify)) as { id: string; webLink?: string };
    return { id: created.id, ...(created.webLink ? { link: created.webLink } : {}) };
  }

  async updateEvent(accessToken: string, eventId: string, event: CalendarEventContent): Promise<void> {
    await this.client(accessToken)
      .api(`/me/events/${encodeURIComponent(eventId)}`)
      .patch(this.body(event))
      .catch(classify);
  }

  async deleteEvent(accessToken: string, eventId: string): Promise<void> {
    await this.client(accessToken)
      .api(`/me/events/${encodeURIComponent(eventId)}`)
      .delete()
      .catch((error: GraphErrorLike) => {
        if (error.statusCode === 404 || error.statusCode === 410) return;
        classify(error);
      });
  }
}
