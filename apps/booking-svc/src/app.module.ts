import { type DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { MessagingModule } from '@bp/messaging';
import { OutboxModule } from '@bp/outbox';
import { DatabaseModule, PlatformModule } from '@bp/platform';
import type { BookingConfig } from './config/booking.config.js';
import { ReserveSlotUseCase } from './reservations/application/reserve-slot/reserve-slot.use-case.js';
import { RESERVATION_MODEL, ReservationSchema } from './reservations/infrastructure/reservation.schema.js';
import { ReservationRepository } from './reservations/infrastructure/reservation.repository.js';
import { ReservationsController } from './reservations/interface/reservations.controller.js';

const models = MongooseModule.forFeature([{ name: RESERVATION_MODEL, schema: ReservationSchema }]);

@Module({})
export class AppModule {
  static forRoot(config: BookingConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot(config),
        DatabaseModule,
        MessagingModule.forRoot({ inbox: 'mongo', extraTopics: [] }),
        models,
        OutboxModule.forModels([RESERVATION_MODEL], [models]),
      ],
      controllers: [ReservationsController],
      providers: [ReservationRepository, ReserveSlotUseCase],
    };
  }
}
