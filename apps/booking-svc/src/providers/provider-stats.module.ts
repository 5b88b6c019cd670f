import { Module } from '@nestjs/common';
import { BookingsModule } from '../bookings/bookings.module.js';
import { RecomputeProviderStatsUseCase } from './application/recompute-stats/recompute-provider-stats.use-case.js';
import { ProviderStatsConsumer } from './interface/provider-stats.consumer.js';
import { RecomputeStatsConsumer } from './interface/recompute-stats.consumer.js';
import { ProvidersModule } from './providers.module.js';

/**
 * Provider booking stats and trust score from booking events. Apart from ProvidersModule because it
 * reads bookings, and BookingsModule already imports ProvidersModule.
 */
@Module({
  imports: [BookingsModule, ProvidersModule],
  controllers: [ProviderStatsConsumer, RecomputeStatsConsumer],
  providers: [RecomputeProviderStatsUseCase],
})
export class ProviderStatsModule {}
