import { Module } from '@nestjs/common';
import { BookingsModule } from '../bookings/bookings.module.js';
import { ProvidersModule } from '../providers/providers.module.js';
import { ReservationsModule } from '../reservations/reservations.module.js';
import { SlotsModule } from '../slots/slots.module.js';
import { AvailabilityQuery } from './application/availability.query.js';
import { AvailabilityController } from './interface/availability.controller.js';
import { CalendarBusyConsumer } from './interface/calendar-busy.consumer.js';

/** Free slots, computed from the schedule and what bookings, reservations and external calendars hold. */
@Module({
  imports: [ProvidersModule, BookingsModule, ReservationsModule, SlotsModule],
  controllers: [AvailabilityController, CalendarBusyConsumer],
  providers: [AvailabilityQuery],
})
export class AvailabilityModule {}
