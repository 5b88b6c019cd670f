import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { OutboxModule } from '@bp/outbox';
import { ProvidersModule } from '../providers/providers.module.js';
import { SlotsModule } from '../slots/slots.module.js';
import { CleanUpHoldsUseCase } from './application/clean-up-holds/clean-up-holds.use-case.js';
import { ReservationBusyProjection } from './application/reservation-busy-projection.js';
import { ReserveSlotUseCase } from './application/reserve-slot/reserve-slot.use-case.js';
import { RESERVATION_MODEL, ReservationSchema } from './infrastructure/reservation.schema.js';
import { ReservationRepository } from './infrastructure/reservation.repository.js';
import { CleanUpHoldsConsumer } from './interface/clean-up-holds.consumer.js';
import { ReservationsController } from './interface/reservations.controller.js';
import { Intake } from '../shared/interface/intake.js';

const models = MongooseModule.forFeature([{ name: RESERVATION_MODEL, schema: ReservationSchema }]);

/** Slot reservations: the five-minute holds of checkout. */
@Module({
  imports: [models, OutboxModule.forModels([RESERVATION_MODEL], [models]), ProvidersModule, SlotsModule],
  controllers: [ReservationsController, CleanUpHoldsConsumer],
  providers: [ReservationRepository, ReserveSlotUseCase, CleanUpHoldsUseCase, ReservationBusyProjection, Intake],
  exports: [ReservationRepository, Intake],
})
export class ReservationsModule {}
