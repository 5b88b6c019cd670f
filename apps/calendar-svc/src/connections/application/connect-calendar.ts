import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { ApiError, utcDayOf } from '@bp/platform';
import { CalendarConfig } from '../../config/calendar.config.js';
import { CalendarApiError, type CalendarProviderName } from '../../calendar-apis/domain/calendar-api.js';
import { callWithRetry } from '../../calendar-apis/domain/retry-policy.js';
import { CalendarApis } from '../../calendar-apis/infrastructure/calendar-apis.js';
import type { CalendarConnection } from '../domain/calendar-connection.js';
import { ConnectionRepository } from '../infrastructure/connection.repository.js';
import { OAuthStateStore } from '../infrastructure/oauth-state.store.js';
import { TokenCipher } from '../infrastructure/token-cipher.js';
import { CalendarSession } from './calendar-session.js';
import { connectionChanged } from './connection-events.js';

/** How long the provider has to come back from the consent screen. */
const STATE_LIFETIME_MS = 10 * 60_000;

const invalidState = () =>
  new ApiError(400, 'OAUTH_STATE_INVALID', 'This authorization is unknown, expired, already used, or belongs to another provider; start connecting again');

/**
 * Connecting and disconnecting a provider's calendar (OAuth 2 authorization-code flow):
 * `start` gives the consent URL with a single-use `state` bound to the provider; `complete`
 * exchanges the code, stores the tokens sealed and announces the connection; `disconnect` revokes
 * and forgets them. Each change emits CalendarConnectionChanged with the connection's write.
 */
@Injectable()
export class ConnectCalendar {
  private readonly logger = new Logger(ConnectCalendar.name);

  constructor(
    private readonly states: OAuthStateStore,
    private readonly connections: ConnectionRepository,
    private readonly apis: CalendarApis,
    private readonly cipher: TokenCipher,
    private readonly session: CalendarSession,
    private readonly config: CalendarConfig,
  ) {}

  async start(providerId: string, calendarProvider: CalendarProviderName, redirectUri = this.config.CALENDAR_OAUTH_REDIRECT_URI) {
    const api = this.apis.get(calendarProvider);
    const state = randomBytes(24).toString('base64url');
    const expiresAt = new Date(Date.now() + STATE_LIFETIME_MS);
    await this.states.create({ _id: state, providerId, calendarProvider, redirectUri, status: 'pending', expiresAt, day: utcDayOf(expiresAt) });
    return { calendarProvider, authorizationUrl: api.authorizationUrl(state, redirectUri), state, expiresAt: expiresAt.toISOString() };
  }

  async complete(providerId: string, state: string, code: string): Promise<CalendarConnection> {
    const pending = await this.states.find(state);
    if (!pending || pending.providerId !== providerId || pending.status !== 'pending' || pending.expiresAt.getTime() < Date.now()) throw invalidState();
    // Single use: only the request that flips it from pending may exchange the code.
    if (!(await this.states.use(state))) throw invalidState();

    const api = this.apis.get(pending.calendarProvider);
    const tokens = await callWithRetry(() => api.exchangeCode(code, pending.redirectUri), this.session.policy).catch((error: unknown) => {
      if (error instanceof CalendarApiError && !error.retryable)
        throw new ApiError(400, 'OAUTH_CODE_REJECTED', `${pending.calendarProvider} refused the authorization code; start connecting again`);
      throw new ApiError(503, 'CALENDAR_UNAVAILABLE', `${pending.calendarProvider} could not be reached; try again`);
    });
    if (!tokens.refreshToken) throw new ApiError(400, 'OAUTH_NO_REFRESH_TOKEN', 'The calendar granted no offline access; connect again and allow it');

    const existing = await this.connections.find(providerId);
    const now = new Date();
    const next: CalendarConnection = {
      providerId,
      calendarProvider: pending.calendarProvider,
      status: 'connected',
      ...('accountEmail' in tokens && tokens.accountEmail ? { accountEmail: tokens.accountEmail } : {}),
      accessToken: this.cipher.seal(tokens.accessToken),
      refreshToken: this.cipher.seal(tokens.refreshToken),
      accessTokenExpiresAt: tokens.expiresAt,
      ...(tokens.scope ? { scope: tokens.scope } : {}),
      connectedAt: now,
      version: (existing?.version ?? 0) + 1,
      updatedAt: now,
    };
    if (!(await this.connections.save(next, existing?.version, [connectionChanged(next)])))
      throw new ApiError(409, 'CONCURRENT_UPDATE', 'The calendar connection changed meanwhile; try again');
    return next;
  }

  async disconnect(providerId: string): Promise<CalendarConnection> {
    const existing = await this.connections.find(providerId);
    if (!existing || existing.status === 'disconnected') throw new ApiError(404, 'CALENDAR_NOT_CONNECTED', 'No calendar is connected');
    if (existing.refreshToken) {
      // Best effort: the tokens are forgotten either way; a calendar that cannot be reached keeps a grant the provider can remove there.
      await this.apis
        .get(existing.calendarProvider)
        .revoke(this.cipher.open(existing.refreshToken))
        .catch((error: Error) =>
          this.logger.warn({ message: 'revoking the calendar grant failed; tokens forgotten anyway', providerId, error: error.message }),
        );
    }
    const now = new Date();
    const next: CalendarConnection = { ...existing, status: 'disconnected', disconnectedAt: now, version: existing.version + 1, updatedAt: now };
    delete next.accessToken;
    delete next.refreshToken;
    delete next.accessTokenExpiresAt;
    if (!(await this.connections.save(next, existing.version, [connectionChanged(next)])))
      throw new ApiError(409, 'CONCURRENT_UPDATE', 'The calendar connection changed meanwhile; try again');
    return next;
  }
}
