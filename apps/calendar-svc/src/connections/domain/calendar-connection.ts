import type { CalendarConnectionView } from '@bp/contracts';
import type { CalendarProviderName } from '../../calendar-apis/domain/calendar-api.js';

/**
 * `connected`: tokens work; `reauthorization_required`: the calendar refused our refresh token (the
 * provider revoked access), so the provider books in request mode until they connect again;
 * `disconnected`: the provider (or an admin) disconnected it and the tokens are gone.
 */
export type ConnectionStatus = 'connected' | 'reauthorization_required' | 'disconnected';

export interface CalendarConnection {
  providerId: string;
  calendarProvider: CalendarProviderName;
  status: ConnectionStatus;
  accountEmail?: string;
  /** Sealed (AES-256-GCM); absent once disconnected. */
  accessToken?: string;
  refreshToken?: string;
  accessTokenExpiresAt?: Date;
  scope?: string;
  connectedAt: Date;
  disconnectedAt?: Date;
  lastRefreshedAt?: Date;
  version: number;
  updatedAt: Date;
}

/** What callers see of a connection (the public contract CalendarConnectionContract): never a token. */
export function connectionView(connection: CalendarConnection): CalendarConnectionView {
  return {
    providerId: connection.providerId,
    calendarProvider: connection.calendarProvider,
    status: connection.status,
    connected: connection.status === 'connected',
    ...(connection.accountEmail ? { accountEmail: connection.accountEmail } : {}),
    connectedAt: connection.connectedAt.toISOString(),
    ...(connection.disconnectedAt ? { disconnectedAt: connection.disconnectedAt.toISOString() } : {}),
    ...(connection.lastRefreshedAt ? { lastRefreshedAt: connection.lastRefreshedAt.toISOString() } : {}),
  };
}
