import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type CleanUpBookingHolds, Topics } from '@bp/contracts';
import { type InboundMessage, OnMessage } from '@bp/messaging';
import { CleanUpHoldsUseCase } from '../application/clean-up-holds/clean-up-holds.use-case.js';

/** scheduler-svc's every-minute cleanup command. */
@Controller()
export class CleanUpHoldsConsumer {
  constructor(private readonly cleanUp: CleanUpHoldsUseCase) {}

  @OnMessage(Topics.bookingCommands, 'CleanUpBookingHolds')
  async onCleanUp(@Payload() _message: InboundMessage<CleanUpBookingHolds>): Promise<void> {
    await this.cleanUp.execute();
  }
}
