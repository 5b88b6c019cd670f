import { Injectable } from '@nestjs/common';
import { ProviderRepository } from '../../providers/infrastructure/provider.repository.js';
import { BookingRepository } from '../infrastructure/booking.repository.js';

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
 * (then most expired in 30 days) with their response figures.
 */
@Injectable()
export class BookingHealthQuery {
  constructor(
    private readonly bookings: BookingRepository,
    private readonly providers: ProviderRepository,
  ) {}

  async summary(now: Date = new Date()): Promise<BookingHealthSummary> {
    const pending = (await this.bookings.summariesInStatus('pending_confirmation')).filter((b) => !b.responded);
    const expired = (await this.bookings.summariesInStatus('expired')).filter((b) => b.updatedAt.getTime() >= now.getTime() - 30 * 24 * HOUR_MS);
    const startOfDay = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const count = (rows: Array<{ providerId: string }>) =>
      rows.reduce((m, r) => m.set(r.providerId, (m.get(r.providerId) ?? 0) + 1), new Map<string, number>());
    const pendingBy = count(pending);
    const expiredBy = count(expired);
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
    return {
      pendingCount: pending.length,
      expiringSoonCount: pending.filter((b) => b.confirmationExpiresAt && b.confirmationExpiresAt.getTime() <= now.getTime() + 4 * HOUR_MS).length,
      expiredToday: expired.filter((b) => b.updatedAt >= startOfDay).length,
      providerStats,
    };
  }
}
