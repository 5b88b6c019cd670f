import { Module } from '@nestjs/common';
import { BookingsModule } from '../bookings/bookings.module.js';
import { ProvidersModule } from '../providers/providers.module.js';
import { ReservationsModule } from '../reservations/reservations.module.js';
import { AvailabilityQuery } from './application/availability.query.js';
import { AvailabilityController } from './interface/availability.controller.js';

/** Free slots, computed from the schedule and what bookings and reservations hold. */
@Module({ imports: [ProvidersModule, BookingsModule, ReservationsModule], controllers: [AvailabilityController], providers: [AvailabilityQuery] })
export class AvailabilityModule {}
