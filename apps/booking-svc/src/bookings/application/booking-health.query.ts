import { Injectable } from '@nestjs/common';
import { ProviderRepository } from '../../providers/infrastructure/provider.repository.js';
import { BookingRepository } from '../infrastructure/booking.repository.js';
import { BookingTallyQuery } from './booking-tally.query.js';

const HOUR_MS = 3_600_000;
const LEADERBOARD_SIZE = 20;

export interface ProviderResponseRow {
  providerId: string;
  /** The provider's display name, null when they gave none. */
  providerName: string | null;
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
  /** Bookings flagged for an admin (needsAdmin), and since when the oldest has waited. */
  needsAdmin: { count: number; oldestSince: Date | null };
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
    private readonly bookings: BookingRepository,
  ) {}

  async summary(now: Date = new Date()): Promise<BookingHealthSummary> {
    const today = now.toISOString().slice(0, 10);
    const [pending, pendingBy, expiredBy, expiredToday, flagged] = await Promise.all([
      this.tallies.pending(now),
      this.tallies.pendingByProvider(),
      this.tallies.expiredByProviderSince(new Date(now.getTime() - 30 * 24 * HOUR_MS)),
      this.tallies.expiredOn(today),
      this.bookings.needingAdmin(Number.MAX_SAFE_INTEGER),
    ]);
    const ranked = [...new Set([...pendingBy.keys(), ...expiredBy.keys()])]
      .sort((a, b) => (pendingBy.get(b) ?? 0) - (pendingBy.get(a) ?? 0) || (expiredBy.get(b) ?? 0) - (expiredBy.get(a) ?? 0) || a.localeCompare(b))
      .slice(0, LEADERBOARD_SIZE);
    const providerStats = await Promise.all(
      ranked.map(async (providerId) => {
        const provider = await this.providers.findById(providerId);
        const stats = provider?.stats;
        return {
          providerId,
          providerName: provider?.displayName ?? null,
          pendingCount: pendingBy.get(providerId) ?? 0,
          avgResponseTimeMinutes: stats?.avgResponseTimeMinutes ?? null,
          confirmationRate: stats?.confirmationRate ?? null,
          expiredCount30d: expiredBy.get(providerId) ?? 0,
        };
      }),
    );
    const needsAdmin = { count: flagged.length, oldestSince: flagged[0]?.needsAdminSince ?? null };
    return { ...pending, expiredToday, providerStats, needsAdmin };
  }
}
