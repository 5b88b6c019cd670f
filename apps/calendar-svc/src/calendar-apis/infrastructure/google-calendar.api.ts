import { auth as googleAuth, calendar, type calendar_v3 } from '@googleapis/calendar';
import { CalendarConfig } from '../../config/calendar.config.js';
import { type CalendarApi, type CalendarEventContent, type Interval, type OAuthTokens, calendarApiError } from '../domain/calendar-api.js';

const SCOPES = ['https://www.googleapis.com/auth/calendar.events', 'https://www.googleapis.com/auth/calendar.freebusy'];

interface GaxiosLikeError {
  status?: number;
  message: string;
  response?: { status?: number; headers?: Headers | Record<string, string>; data?: unknown };
}

function header(headers: Headers | Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  return (headers as Record<string, string>)[name];
}

/** Turns whatever the Google SDK threw into a classified CalendarApiError. */
function classify(error: unknown): never {
  const failure = error as GaxiosLikeError;
  const status = failure.response?.status ?? failure.status;
  const body = typeof failure.response?.data === 'string' ? failure.response.data : JSON.stringify(failure.response?.data ?? '');
  throw calendarApiError(status, `Google Calendar: ${failure.message}`, header(failure.response?.headers, 'retry-after'), body);
}

function tokensFrom(credentials: {
  access_token?: string | null;
  refresh_token?: string | null;
  expiry_date?: number | null;
  scope?: string | null;
}): OAuthTokens {
  if (!credentials.access_token) throw calendarApiError(502, 'Google answered without an access token');
  return {
    accessToken: credentials.access_token,
    ...(credentials.refresh_token ? { refreshToken: credentials.refresh_token } : {}),
    expiresAt: new Date(credentials.expiry_date ?? Date.now() + 3_600_000),
    ...(credentials.scope ? { scope: credentials.scope } : {}),
  };
}

/** Google Calendar v3 through the official SDK (`@googleapis/calendar`, `google-auth-library`), endpoints from config. */
export class GoogleCalendarApi implements CalendarApi {
  readonly name = 'google' as const;

  constructor(private readonly config: CalendarConfig) {}

  configured(): boolean {
    return Boolean(this.config.GOOGLE_CLIENT_ID && this.config.GOOGLE_CLIENT_SECRET);
  }

  /** The OAuth client of the SDK's own google-auth-library, so the Calendar client accepts it. */
  private oauth(redirectUri?: string) {
    return new googleAuth.OAuth2({
      clientId: this.config.GOOGLE_CLIENT_ID,
      clientSecret: this.config.GOOGLE_CLIENT_SECRET,
      ...(redirectUri ? { redirectUri } : {}),
      endpoints: {
        oauth2AuthBaseUrl: this.config.GOOGLE_OAUTH_AUTH_URL,
        oauth2TokenUrl: this.config.GOOGLE_OAUTH_TOKEN_URL,
        oauth2RevokeUrl: this.config.GOOGLE_OAUTH_REVOKE_URL,
      },
    });
  }

  private api(accessToken: string): calendar_v3.Calendar {
    const auth = this.oauth();
    auth.setCredentials({ access_token: accessToken });
    return calendar({ version: 'v3', auth, rootUrl: this.config.GOOGLE_API_BASE_URL, retry: false });
  }

  authorizationUrl(state: string, redirectUri: string): string {
    // offline + consent: Google returns a refresh token, so the connection outlives the access token.
    return this.oauth(redirectUri).generateAuthUrl({ access_type: 'offline', prompt: 'consent', scope: SCOPES, state, include_granted_scopes: true });
  }

  async exchangeCode(code: string, redirectUri: string): Promise<OAuthTokens> {
    const { tokens } = await this.oauth(redirectUri).getToken({ code, redirect_uri: redirectUri }).catch(classify);
    return tokensFrom(tokens);
  }

  async refresh(refreshToken: string): Promise<OAuthTokens> {
    const client = this.oauth();
    client.setCredentials({ refresh_token: refreshToken });
    await client.getAccessToken().catch(classify);
    return tokensFrom(client.credentials);
  }

  async revoke(token: string): Promise<void> {
    await this.oauth().revokeToken(token).catch(classify);
  }

  async busy(accessToken: string, window: Interval): Promise<Interval[]> {
    const { data } = await this.api(accessToken)
      .freebusy.query({ requestBody: { timeMin: window.start.toISOString(), timeMax: window.end.toISOString(), items: [{ id: 'primary' }] } })
      .catch(classify);
    const primary = data.calendars?.['primary'];
    if (!primary || (primary.errors?.length ?? 0) > 0)
      throw calendarApiError(502, `Google free/busy: ${primary?.errors?.[0]?.reason ?? 'no answer for the primary calendar'}`);
    return (primary.busy ?? []).map((b) => ({ start: new Date(b.start!), end: new Date(b.end!) }));
  }

  private body(event: CalendarEventContent): calendar_v3.Schema$Event {
    return {
      summary: event.summary,
      description: event.description,
      start: { dateTime: event.start.toISOString(), timeZone: event.timezone },
      end: { dateTime: event.end.toISOString(), timeZone: event.timezone },
    };
  }

  async createEvent(accessToken: string, event: CalendarEventContent): Promise<{ id: string; link?: string }> {
    const api = this.api(accessToken);
    try {
      // Our key is the event id: a retry after a lost answer gets 409 instead of a second event.
      const { data } = await api.events.insert({ calendarId: 'primary', requestBody: { id: event.key, ...this.body(event) } });
      return { id: data.id ?? event.key, ...(data.htmlLink ? { link: data.htmlLink } : {}) };
    } catch (error) {
      const failure = error as GaxiosLikeError;
      if ((failure.response?.status ?? failure.status) !== 409) classify(error);
      await this.updateEvent(accessToken, event.key, event);
      return { id: event.key };
    }
  }

  async updateEvent(accessToken: string, eventId: string, event: CalendarEventContent): Promise<void> {
    await this.api(accessToken)
      .events.patch({ calendarId: 'primary', eventId, requestBody: { ...this.body(event), status: 'confirmed' } })
      .catch(classify);
  }

  async deleteEvent(accessToken: string, eventId: string): Promise<void> {
    await this.api(accessToken)
      .events.delete({ calendarId: 'primary', eventId })
      .catch((error: unknown) => {
        const status = (error as GaxiosLikeError).response?.status ?? (error as GaxiosLikeError).status;
        if (status === 404 || status === 410) return; // already gone
        classify(error);
      });
  }
}
