import { Injectable, Logger } from '@nestjs/common';
import { counter } from '@bp/platform';
import { WALK_BUCKETS } from '../../shared/infrastructure/walk-bucket.js';
import { recomputeStats, trustScore } from '../domain/provider-stats.js';
import { ProviderStatsStore } from '../infrastructure/provider-stats.store.js';

const recomputed = () => counter('booking_provider_stats_recomputed_total', 'Providers whose stats and trust score the periodic job recomputed');

/**
 * The spec's 6-hourly provider stats job, run when scheduler-svc says so. The counters are kept exact
 * by the booking events (RecordBookingOutcomeUseCase); what goes stale between events is what depends on
 * the clock: the trust score's account-age factor and the figures' calculation time. Every provider's
 * derived figures and trust score are worked out again as of now, each in one write on the stats
 * version read (a concurrent event's write wins and the recompute re-reads).
 */
@Injectable()
export class RecomputeProviderStatsUseCase {
  private readonly logger = new Logger(RecomputeProviderStatsUseCase.name);

  constructor(private readonly stats: ProviderStatsStore) {}

  async execute(now: Date = new Date()): Promise<number> {
    let count = 0;
    for (let bucket = 0; bucket < WALK_BUCKETS; bucket++) {
      for (const id of await this.stats.idsInWalkBucket(bucket)) if (await this.recompute(id, now)) count++;
    }
    recomputed().inc(count);
    this.logger.log({ message: 'provider stats recomputed', providers: count });
    return count;
  }

  /** One provider; a provider that cannot be recomputed is logged and skipped, so it does not hold up the others (the next run tries again). */
  private async recompute(id: string, now: Date): Promise<boolean> {
    try {
      const result = await this.stats.record(id, (stats, account) => {
        const next = recomputeStats(stats, now);
        // Reviews live outside booking-svc: the review factor stays neutral until they are fed in.
        return { stats: next, trustScore: trustScore(next, account.createdAt, undefined, now) };
      });
      return result.outcome === 'recorded';
    } catch (error) {
      this.logger.warn({ message: 'provider stats not recomputed; the next run retries', providerId: id, error: (error as Error).message });
      return false;
    }
  }
}
