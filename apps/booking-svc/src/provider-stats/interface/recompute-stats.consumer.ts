import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type RecomputeProviderStats, Topics } from '@bp/contracts';
import { type InboundMessage, OnMessage } from '@bp/messaging';
import { RecomputeProviderStatsUseCase } from '../application/recompute-provider-stats.use-case.js';

/** scheduler-svc's 6-hourly provider stats command. */
@Controller()
export class RecomputeStatsConsumer {
  constructor(private readonly recompute: RecomputeProviderStatsUseCase) {}

  @OnMessage(Topics.bookingCommands, 'RecomputeProviderStats')
  async onRecompute(@Payload() _message: InboundMessage<RecomputeProviderStats>): Promise<void> {
    await this.recompute.execute();
  }
}
