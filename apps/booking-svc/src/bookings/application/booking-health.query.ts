import { Injectable } from '@nestjs/common';
import { ProviderRepository } from '../../providers/infrastructure/provider.repository.js';
import { BookingTallyQuery } from './booking-tally.query.js';

const HOUR_MS = 3_600_000;
const LEADERBOARD_SIZE = 20;

export interface ProviderResponseRow {
  providerId: string;
  pendingCount: number;
  avgResponseTimeMinutes: number | null;
  confirmationRate: number | null;
  expiredCount30d: number;
}

export interface BookingHealthSummary {
  pendingCount: number;
  expiringSoonCount: number;
  expiredToday: number;
  providerStats: ProviderResponseRow[];
}

/**
 * The booking side of the spec's admin health dashboard: requests waiting for providers, those whose
 * deadline is within 4 hours, requests expired today (UTC), and the providers with the most waiting
 * (then most expired in 30 days) with their response figures. Read from the booking tallies
 * (domain/booking-tallies.ts), not counted from the bookings.
 */
@Injectable()
export class BookingHealthQuery {
  constructor(
    private readonly tallies: BookingTallyQuery,
    private readonly providers: ProviderRepository,
  ) {}

  async summary(now: Date = new Date()): Promise<BookingHealthSummary> {
    const today = now.toISOString().slice(0, 10);
    const [pending, pendingBy, expiredBy, expiredToday] = await Promise.all([
      this.tallies.pending(now),
      this.tallies.pendingByProvider(),
      this.tallies.expiredByProviderSince(new Date(now.getTime() - 30 * 24 * HOUR_MS)),
      this.tallies.expiredOn(today),
    ]);
    const ranked = [...new Set([...pendingBy.keys(), ...expiredBy.keys()])]
      .sort((a, b) => (pendingBy.get(b) ?? 0) - (pendingBy.get(a) ?? 0) || (expiredBy.get(b) ?? 0) - (expiredBy.get(a) ?? 0) || a.localeCompare(b))
      .slice(0, LEADERBOARD_SIZE);
    const providerStats = await Promise.all(
      ranked.map(async (providerId) => {
        const stats = (await this.providers.findById(providerId))?.stats;
        return {
          providerId,
          pendingCount: pendingBy.get(providerId) ?? 0,
          avgResponseTimeMinutes: stats?.avgResponseTimeMinutes ?? null,
          confirmationRate: stats?.confirmationRate ?? null,
          expiredCount30d: expiredBy.get(providerId) ?? 0,
        };
      }),
    );
    return { ...pending, expiredToday, providerStats };
  }
}
