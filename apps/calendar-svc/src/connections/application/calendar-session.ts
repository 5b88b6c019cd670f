import { Injectable, Logger } from '@nestjs/common';
import { ApiError } from '@bp/platform';
import { CalendarConfig } from '../../config/calendar.config.js';
import { type CalendarApi, CalendarApiError } from '../../calendar-apis/domain/calendar-api.js';
import { type RetryPolicy, callWithRetry } from '../../calendar-apis/domain/retry-policy.js';
import { CalendarApis } from '../../calendar-apis/infrastructure/calendar-apis.js';
import type { CalendarConnection } from '../domain/calendar-connection.js';
import { ConnectionRepository } from '../infrastructure/connection.repository.js';
import { TokenCipher } from '../infrastructure/token-cipher.js';
import { connectionChanged } from './connection-events.js';

/** Refresh this long before the access token's stated expiry, so a call never starts with a dying token. */
const REFRESH_MARGIN_MS = 60_000;

export class CalendarNotConnected extends ApiError {
  constructor(providerId: string) {
    super(404, 'CALENDAR_NOT_CONNECTED', `Provider ${providerId} has no connected calendar`);
  }
}

export interface SessionCall<T> {
  (api: CalendarApi, accessToken: string, connection: CalendarConnection): Promise<T>;
}

/**
 * Runs calendar calls for a provider with a valid access token: refreshed ahead of expiry (and once
 * more if the calendar still answers 401), stored sealed again, retried per the retry policy. When
 * the calendar refuses the refresh token the connection becomes `reauthorization_required` and the
 * provider drops to request booking (CalendarConnectionChanged), instead of failing every call.
 */
@Injectable()
export class CalendarSession {
  private readonly logger = new Logger(CalendarSession.name);
  readonly policy: RetryPolicy;

  constructor(
    private readonly connections: ConnectionRepository,
    private readonly apis: CalendarApis,
    private readonly cipher: TokenCipher,
    config: CalendarConfig,
  ) {
    this.policy = { attempts: config.CALENDAR_CALL_ATTEMPTS, baseDelayMs: config.CALENDAR_RETRY_BASE_MS, maxInlineWaitMs: config.CALENDAR_MAX_INLINE_WAIT_MS };
  }

  async connected(providerId: string): Promise<CalendarConnection | undefined> {
    const connection = await this.connections.find(providerId);
    return connection?.status === 'connected' ? connection : undefined;
  }

  async run<T>(providerId: string, call: SessionCall<T>): Promise<T> {
    let connection = await this.connected(providerId);
    if (!connection) throw new CalendarNotConnected(providerId);
    const api = this.apis.get(connection.calendarProvider);
    if (this.expiring(connection)) connection = await this.refresh(connection, api);
    try {
      return await callWithRetry(() => call(api, this.cipher.open(connection!.accessToken!), connection!), this.policy);
    } catch (error) {
      if (!(error instanceof CalendarApiError) || error.failure !== 'unauthorized') throw error;
      connection = await this.refresh(connection, api); // revoked or rotated early: one fresh token, one more try
      return callWithRetry(() => call(api, this.cipher.open(connection!.accessToken!), connection!), this.policy);
    }
  }

  private expiring(connection: CalendarConnection): boolean {
    return !connection.accessTokenExpiresAt || connection.accessTokenExpiresAt.getTime() - REFRESH_MARGIN_MS <= Date.now();
  }

  private async refresh(connection: CalendarConnection, api: CalendarApi): Promise<CalendarConnection> {
    let tokens;
    try {
      tokens = await callWithRetry(() => api.refresh(this.cipher.open(connection.refreshToken!)), this.policy);
    } catch (error) {
      if (error instanceof CalendarApiError && error.failure === 'invalid_grant') {
        await this.requireReauthorization(connection);
        throw new ApiError(409, 'CALENDAR_REAUTHORIZATION_REQUIRED', 'The calendar refused our access; the provider must connect it again');
      }
      throw error;
    }
    const now = new Date();
    const next: CalendarConnection = {
      ...connection,
      accessToken: this.cipher.seal(tokens.accessToken),
      // Some servers rotate the refresh token; the old one then stops working.
      refreshToken: tokens.refreshToken ? this.cipher.seal(tokens.refreshToken) : connection.refreshToken!,
      accessTokenExpiresAt: tokens.expiresAt,
      lastRefreshedAt: now,
      version: connection.version + 1,
      updatedAt: now,
    };
    if (await this.connections.save(next, connection.version)) return next;
    // Another replica refreshed (or the provider disconnected) meanwhile: use what is stored now.
    const current = await this.connected(connection.providerId);
    if (!current) throw new CalendarNotConnected(connection.providerId);
    return current;
  }

  private async requireReauthorization(connection: CalendarConnection): Promise<void> {
    const now = new Date();
    const next: CalendarConnection = { ...connection, status: 'reauthorization_required', version: connection.version + 1, updatedAt: now };
    delete next.accessToken;
    delete next.refreshToken;
    delete next.accessTokenExpiresAt;
    if (await this.connections.save(next, connection.version, [connectionChanged(next)]))
      this.logger.warn({ message: 'calendar access revoked; provider moved to request booking until reconnected', providerId: connection.providerId });
  }
}
