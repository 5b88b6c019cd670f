import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';

export interface FakeCalendarEvent {
  id: string;
  summary: string;
  start: string;
  end: string;
  transactionId?: string;
  status: 'confirmed' | 'cancelled';
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * What Google Calendar and Microsoft Graph have in common for our purposes, as a local server the
 * real SDKs talk to: an OAuth 2.0 authorization server (consent redirect, code and refresh grants,
 * short-lived access tokens, revocation), a calendar of events that are busy time, extra busy
 * blocks, and injected failures (a status with an optional Retry-After) for the next calls to a path.
 */
abstract class CalendarCloudFake {
  readonly events = new Map<string, FakeCalendarEvent>();
  readonly busyBlocks: { start: string; end: string }[] = [];
  readonly requests: { method: string; path: string; authorization?: string }[] = [];
  /** Lifetime of issued access tokens; a short one makes the service refresh before its calls. */
  accessTokenLifetimeSec = 3600;
  private readonly accessTokens = new Set<string>();
  private readonly refreshTokens = new Set<string>();
  private readonly codes = new Set<string>();
  private readonly failures: { method: string; pathPrefix: string; count: number; status: number; retryAfter?: string }[] = [];
  private server?: Server;
  url = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.route(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next `count` calls of `method` to paths starting with `pathPrefix` answer `status`. */
  failNext(count: number, method: string, pathPrefix: string, status: number, retryAfter?: string): void {
    this.failures.push({ method, pathPrefix, count, status, ...(retryAfter ? { retryAfter } : {}) });
  }

  clearFailures(): void {
    this.failures.length = 0;
  }

  /** The provider revoked our access: access and refresh tokens stop working. */
  revokeAll(): void {
    this.accessTokens.clear();
    this.refreshTokens.clear();
  }

  /** Access tokens expire early (the service must refresh and retry on 401). */
  expireAccessTokens(): void {
    this.accessTokens.clear();
  }

  count(method: string, pathPrefix: string): number {
    return this.requests.filter((r) => r.method === method && r.path.startsWith(pathPrefix)).length;
  }

  protected abstract api(method: string, path: string, body: any): Reply;

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    const raw = await new Promise<string>((resolve) => {
      let data = '';
      req.on('data', (chunk: Buffer) => (data += chunk.toString()));
      req.on('end', () => resolve(data));
    });
    this.requests.push({ method, path: url.pathname, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    const reply = this.dispatch(method, url, raw, req.headers.authorization);
    res.writeHead(reply.status, { ...(reply.body === undefined ? {} : { 'content-type': 'application/json' }), ...reply.headers });
    res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
  }

  private dispatch(method: string, url: URL, raw: string, authorization?: string): Reply {
    const failure = this.failures.find((f) => f.count > 0 && f.method === method && url.pathname.startsWith(f.pathPrefix));
    if (failure) {
      failure.count--;
      return {
        status: failure.status,
        body: { error: { code: failure.status, message: 'injected failure' } },
        ...(failure.retryAfter ? { headers: { 'retry-after': failure.retryAfter } } : {}),
      };
    }
    if (url.pathname.endsWith('/authorize') || url.pathname === '/o/oauth2/v2/auth') return this.consent(url);
    if (url.pathname.endsWith('/token')) return this.token(new URLSearchParams(raw));
    if (url.pathname.endsWith('/revoke')) {
      this.revokeAll();
      return { status: 200, body: {} };
    }
    const token = authorization?.replace(/^Bearer /, '');
    if (!token || !this.accessTokens.has(token)) return { status: 401, body: { error: { code: 401, message: 'invalid or expired access token' } } };
    return this.api(method, url.pathname, raw ? JSON.parse(raw) : undefined);
  }

  /** The consent screen, already agreed to: redirects back with a code and the state. */
  private consent(url: URL): Reply {
    const code = `code-${randomUUID()}`;
    this.codes.add(code);
    const back = new URL(url.searchParams.get('redirect_uri') ?? '');
    back.searchParams.set('code', code);
    back.searchParams.set('state', url.searchParams.get('state') ?? '');
    return { status: 302, headers: { location: back.href } };
  }

  private token(form: URLSearchParams): Reply {
    const grant = form.get('grant_type');
    if (grant === 'authorization_code' && this.codes.delete(form.get('code') ?? '')) return { status: 200, body: this.issue(true) };
    if (grant === 'refresh_token' && this.refreshTokens.has(form.get('refresh_token') ?? '')) return { status: 200, body: this.issue(false) };
    return { status: 400, body: { error: 'invalid_grant', error_description: 'code or refresh token not valid' } };
  }

  private issue(withRefresh: boolean) {
    const accessToken = `at-${randomUUID()}`;
    this.accessTokens.add(accessToken);
    const refresh = withRefresh ? `rt-${randomUUID()}` : undefined;
    if (refresh) this.refreshTokens.add(refresh);
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: this.accessTokenLifetimeSec,
      scope: 'calendar',
      ...(refresh ? { refresh_token: refresh } : {}),
    };
  }

  /** Busy time in [from, to): injected blocks and the calendar's live events. */
  protected busyBetween(from: Date, to: Date): { start: string; end: string }[] {
    const live = [...this.events.values()].filter((e) => e.status === 'confirmed').map(({ start, end }) => ({ start, end }));
    return [...this.busyBlocks, ...live].filter((b) => new Date(b.start) < to && new Date(b.end) > from);
  }
}

/** Google Calendar v3 (freeBusy, events insert/patch/delete on `primary`) and Google's OAuth endpoints. */
export class GoogleCalendarFake extends CalendarCloudFake {
  /** calendar-svc's Google settings pointing at this fake (started at `url`), with a test OAuth client. */
  static calendarEnv(url: string): Record<string, string> {
    return {
      GOOGLE_CLIENT_ID: 'test-google-client',
      GOOGLE_CLIENT_SECRET: 'test-google-secret',
      GOOGLE_OAUTH_AUTH_URL: `${url}/o/oauth2/v2/auth`,
      GOOGLE_OAUTH_TOKEN_URL: `${url}/token`,
      GOOGLE_OAUTH_REVOKE_URL: `${url}/revoke`,
      GOOGLE_API_BASE_URL: `${url}/`,
    };
  }

  protected api(method: string, path: string, body: any): Reply {
    if (method === 'POST' && path === '/calendar/v3/freeBusy') {
      const busy = this.busyBetween(new Date(body.timeMin), new Date(body.timeMax));
      return { status: 200, body: { kind: 'calendar#freeBusy', calendars: { primary: { busy } } } };
    }
    const events = '/calendar/v3/calendars/primary/events';
    if (method === 'POST' && path === events) {
      const id = body.id ?? randomUUID().replace(/-/g, '');
      if (this.events.has(id)) return { status: 409, body: { error: { code: 409, message: 'The requested identifier already exists.' } } };
      this.events.set(id, { id, summary: body.summary, start: body.start.dateTime, end: body.end.dateTime, status: 'confirmed' });
      return { status: 200, body: { id, htmlLink: `https://calendar.example/event?eid=${id}`, status: 'confirmed' } };
    }
    const id = path.startsWith(`${events}/`) ? decodeURIComponent(path.slice(events.length + 1)) : undefined;
    const event = id ? this.events.get(id) : undefined;
    if (!id || !event) return { status: 404, body: { error: { code: 404, message: 'Not Found' } } };
    if (method === 'DELETE') {
      if (event.status === 'cancelled') return { status: 410, body: { error: { code: 410, message: 'Resource has been deleted' } } };
      event.status = 'cancelled';
      return { status: 204 };
    }
    if (method === 'PATCH') {
      Object.assign(event, {
        summary: body.summary ?? event.summary,
        start: body.start?.dateTime ?? event.start,
        end: body.end?.dateTime ?? event.end,
        status: 'confirmed',
      });
      return { status: 200, body: { id, status: event.status } };
    }
    return { status: 200, body: event };
  }
}

/** Microsoft Graph v1.0 (/me, getSchedule, events with transactionId) and the identity platform's token endpoint. */
export class GraphCalendarFake extends CalendarCloudFake {
  readonly mailbox = 'provider@contoso.example';

  protected api(method: string, path: string, body: any): Reply {
    const utc = (value: { dateTime: string }) => new Date(`${value.dateTime.replace(/Z$/, '')}Z`);
    const graphTime = (iso: string) => ({ dateTime: new Date(iso).toISOString().replace('Z', '0000'), timeZone: 'UTC' });
    if (method === 'GET' && path === '/v1.0/me') return { status: 200, body: { mail: this.mailbox, userPrincipalName: this.mailbox } };
    if (method === 'POST' && path === '/v1.0/me/calendar/getSchedule') {
      const busy = this.busyBetween(utc(body.startTime), utc(body.endTime));
      const scheduleItems = busy.map((b) => ({ status: 'busy', start: graphTime(b.start), end: graphTime(b.end) }));
      return { status: 200, body: { value: [{ scheduleId: body.schedules[0], scheduleItems }] } };
    }
    if (method === 'POST' && path === '/v1.0/me/events') {
      const existing = [...this.events.values()].find((e) => body.transactionId && e.transactionId === body.transactionId);
      if (existing) return { status: 201, body: { id: existing.id, webLink: `https://outlook.example/${existing.id}` } };
      const id = `AAMk${randomUUID()}`;
      this.events.set(id, {
        id,
        summary: body.subject,
        start: utc(body.start).toISOString(),
        end: utc(body.end).toISOString(),
        transactionId: body.transactionId,
        status: 'confirmed',
      });
      return { status: 201, body: { id, webLink: `https://outlook.example/${id}` } };
    }
    const prefix = '/v1.0/me/events/';
    const id = path.startsWith(prefix) ? decodeURIComponent(path.slice(prefix.length)) : undefined;
    const event = id ? this.events.get(id) : undefined;
    if (!event || event.status === 'cancelled')
      return { status: 404, body: { error: { code: 'ErrorItemNotFound', message: 'The specified object was not found in the store.' } } };
    if (method === 'DELETE') {
      event.status = 'cancelled';
      return { status: 204 };
    }
    if (method === 'PATCH') {
      Object.assign(event, {
        summary: body.subject ?? event.summary,
        ...(body.start ? { start: utc(body.start).toISOString() } : {}),
        ...(body.end ? { end: utc(body.end).toISOString() } : {}),
      });
      return { status: 200, body: { id } };
    }
    return { status: 200, body: event };
  }
}
