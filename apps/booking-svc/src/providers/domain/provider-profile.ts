import type { BookingMode } from './booking-settings.js';
import { responseTimeSummary } from '../../provider-stats/domain/booking-stats.js';
import type { Provider } from './provider.js';
import type { ProviderService } from './provider-service.js';

/** What anyone may see to book a provider: no settings internals, no counts beyond the response time. */
export interface PublicProviderProfile {
  id: string;
  displayName: string | null;
  timezone: string;
  /** How the provider can be booked now (after the feature flags), null when not at all. */
  mode: BookingMode | null;
  bookable: boolean;
  services: ProviderService[];
  responseTime: { summary: string | null; avgResponseTimeMinutes: number | null };
}

export function publicProfile(provider: Provider, offeredMode: BookingMode | undefined): PublicProviderProfile {
  return {
    id: provider.id,
    displayName: provider.displayName ?? null,
    timezone: provider.timezone,
    mode: offeredMode ?? null,
    bookable: offeredMode !== undefined,
    services: provider.services,
    responseTime: { summary: responseTimeSummary(provider.stats), avgResponseTimeMinutes: provider.stats.avgResponseTimeMinutes ?? null },
  };
}
