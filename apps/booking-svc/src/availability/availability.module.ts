import { Module } from '@nestjs/common';
import { ProvidersModule } from '../providers/providers.module.js';
import { SlotsModule } from '../slots/slots.module.js';
import { AvailabilityQuery } from './application/availability.query.js';
import { AvailabilityController } from './interface/availability.controller.js';
import { CalendarBusyConsumer } from './interface/calendar-busy.consumer.js';

/** Free slots, computed from the schedule, the busy-day read model and external calendars' busy times. */
@Module({
  imports: [ProvidersModule, SlotsModule],
  controllers: [AvailabilityController, CalendarBusyConsumer],
  providers: [AvailabilityQuery],
})
export class AvailabilityModule {}
