import type { BookingMode } from './booking-settings.js';
import { responseTimeSummary } from './booking-stats.js';
import { type Provider, bookingMode } from './provider.js';
import type { ProviderService } from './provider-service.js';

/** What anyone may see to book a provider: no settings internals, no counts beyond the response time. */
export interface PublicProviderProfile {
  id: string;
  timezone: string;
  mode: BookingMode;
  services: ProviderService[];
  responseTime: { summary: string | null; avgResponseTimeMinutes: number | null };
}

export function publicProfile(provider: Provider): PublicProviderProfile {
  return {
    id: provider.id,
    timezone: provider.timezone,
    mode: bookingMode(provider),
    services: provider.services,
    responseTime: { summary: responseTimeSummary(provider.stats), avgResponseTimeMinutes: provider.stats.avgResponseTimeMinutes ?? null },
  };
}
