import { Module } from '@nestjs/common';
import { RecomputeProviderStatsUseCase } from './application/recompute-provider-stats.use-case.js';
import { RecordBookingOutcomeUseCase } from './application/record-booking-outcome.use-case.js';
import { ProviderStatsStore } from './infrastructure/provider-stats.store.js';
import { BookingOutcomeConsumer } from './interface/booking-outcome.consumer.js';
import { RecomputeStatsConsumer } from './interface/recompute-stats.consumer.js';

/**
 * Provider booking stats and trust score: a read model of booking-svc's own booking events, each of
 * which carries what the stats need, and the periodic recompute. Depends on nothing else in the
 * service; the providers feature reads the stats (profile views) and creates a new provider's.
 */
@Module({
  controllers: [BookingOutcomeConsumer, RecomputeStatsConsumer],
  providers: [ProviderStatsStore, RecordBookingOutcomeUseCase, RecomputeProviderStatsUseCase],
  exports: [ProviderStatsStore],
})
export class ProviderStatsModule {}
