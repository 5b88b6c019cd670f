import { Injectable } from '@nestjs/common';
import { BookingTallyStore } from '../infrastructure/booking-tally.store.js';

const HOUR_MS = 3_600_000;
/** "Expiring soon" is a deadline within this long (the spec's dashboard card and alert). */
export const EXPIRING_WITHIN_MS = 4 * HOUR_MS;

/** The tallies as the gauges and the admin dashboard read them. */
@Injectable()
export class BookingTallyQuery {
  constructor(private readonly tallies: BookingTallyStore) {}

  /**
   * Requests waiting for their provider, and those whose deadline falls before `now` + 4 hours (counted
   * by the quarter hour of the deadline: a request due in the quarter that starts just before the four
   * hours are up counts as expiring soon).
   */
  async pending(now: Date): Promise<{ pendingCount: number; expiringSoonCount: number }> {
    const quarters = await this.tallies.read('pending-quarter');
    const soon = new Date(now.getTime() + EXPIRING_WITHIN_MS).toISOString();
    return {
      pendingCount: quarters.reduce((sum, q) => sum + Math.max(0, q.n), 0),
      expiringSoonCount: quarters.filter((q) => (q.at ?? '') < soon).reduce((sum, q) => sum + Math.max(0, q.n), 0),
    };
  }

  /** Waiting requests per provider (those with any). */
  async pendingByProvider(): Promise<Map<string, number>> {
    const rows = await this.tallies.read('pending-provider');
    return new Map(rows.filter((r) => r.providerId && r.n > 0).map((r) => [r.providerId!, r.n]));
  }

  /** Requests expired on a UTC day. */
  async expiredOn(day: string): Promise<number> {
    return (await this.tallies.read('expired-day')).find((r) => r.at === day)?.n ?? 0;
  }

  /** Requests expired per provider on the days from `since` (UTC). */
  async expiredByProviderSince(since: Date): Promise<Map<string, number>> {
    const from = since.toISOString().slice(0, 10);
    const totals = new Map<string, number>();
    for (const row of await this.tallies.read('expired-provider-day')) {
      if (!row.providerId || !row.at || row.at < from || row.n <= 0) continue;
      totals.set(row.providerId, (totals.get(row.providerId) ?? 0) + row.n);
    }
    return totals;
  }

  prune(cutoff: Date, now: Date): Promise<void> {
    return this.tallies.prune(cutoff, now);
  }
}
