import type { ProviderView } from '@bp/contracts';
import { type Provider, bookingMode } from '../domain/provider.js';

/** Before any booking event there is no calculated score: the spec's default, 100, without factors. */
const UNCALCULATED_TRUST_SCORE = { score: 100, factors: null, lastCalculatedAt: null };

/**
 * The full profile as its owner and admins see it, with the mode it books in right now and the trust
 * score. The stats leave out the window of recent response times behind the median (bookkeeping).
 */
export function providerView(provider: Provider): ProviderView {
  const { recentResponseMinutes: _window, ...stats } = provider.stats;
  return { ...provider, stats, trustScore: provider.trustScore ?? UNCALCULATED_TRUST_SCORE, mode: bookingMode(provider) };
}
