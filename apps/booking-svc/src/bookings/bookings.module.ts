import { Module } from '@nestjs/common';
import { BookingHealthQuery } from './application/booking-health.query.js';
import { MongooseModule } from '@nestjs/mongoose';
import { OutboxModule } from '@bp/outbox';
import { ProvidersModule } from '../providers/providers.module.js';
import { ReservationsModule } from '../reservations/reservations.module.js';
import { SlotsModule } from '../slots/slots.module.js';
import { IdempotencyModule, InternalHttpClient } from '@bp/platform';
import { BookingActions } from './application/booking-actions.js';
import { BookingBusyProjection } from './application/booking-busy-projection.js';
import { BookingTalliesProjection } from './application/booking-tallies-projection.js';
import { BookingTallyQuery } from './application/booking-tally.query.js';
import { BookingTallyStore } from './infrastructure/booking-tally.store.js';
import { BookingCommands } from './application/booking-commands.js';
import { BookingGauges } from './application/booking-metrics.js';
import { BOOKING_MODEL, BookingSchema } from './infrastructure/booking.schema.js';
import { BookingRepository } from './infrastructure/booking.repository.js';
import { CalendarAvailabilityClient } from './infrastructure/calendar-availability.client.js';
import { BookingActionsController } from './interface/booking-actions.controller.js';
import { BookingListsController } from './interface/booking-lists.controller.js';
import { BookingMessagesConsumer } from './interface/booking-messages.consumer.js';
import { BookingsController } from './interface/bookings.controller.js';

const models = MongooseModule.forFeature([{ name: BOOKING_MODEL, schema: BookingSchema }]);

/** Bookings: creation from reservations, the state machine's transitions, the audit trail. */
@Module({
  imports: [models, OutboxModule.forModels([BOOKING_MODEL], [models]), ProvidersModule, ReservationsModule, SlotsModule, IdempotencyModule],
  controllers: [BookingListsController, BookingsController, BookingActionsController, BookingMessagesConsumer],
  providers: [
    BookingRepository,
    InternalHttpClient,
    CalendarAvailabilityClient,
    BookingCommands,
    BookingActions,
    BookingHealthQuery,
    BookingGauges,
    BookingBusyProjection,
    BookingTallyStore,
    BookingTallyQuery,
    BookingTalliesProjection,
  ],
  exports: [BookingRepository],
})
export class BookingsModule {}
