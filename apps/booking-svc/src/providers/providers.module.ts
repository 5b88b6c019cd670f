import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ProviderStatsModule } from '../provider-stats/provider-stats.module.js';
import { ChangeProviderUseCases } from './application/change-provider.use-cases.js';
import { CreateProviderUseCase } from './application/create-provider.use-case.js';
import { OfferedBookingMode } from './application/offered-booking-mode.js';
import { ReadProviderQueries } from './application/read-provider.queries.js';
import { AutoConfirmCounter } from './infrastructure/auto-confirm.counter.js';
import { ProviderRepository } from './infrastructure/provider.repository.js';
import { PROVIDER_MODEL, ProviderSchema } from './infrastructure/provider.schema.js';
import { ProvidersController } from './interface/providers.controller.js';
import { IdempotencyModule } from '@bp/platform';

/** Provider profiles: schedule, services, booking settings. Other modules read providers through ProviderRepository. */
@Module({
  imports: [MongooseModule.forFeature([{ name: PROVIDER_MODEL, schema: ProviderSchema }]), IdempotencyModule, ProviderStatsModule],
  controllers: [ProvidersController],
  providers: [ProviderRepository, AutoConfirmCounter, CreateProviderUseCase, ChangeProviderUseCases, ReadProviderQueries, OfferedBookingMode],
  exports: [ProviderRepository, AutoConfirmCounter, OfferedBookingMode],
})
export class ProvidersModule {}
