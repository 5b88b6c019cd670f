import { type DynamicModule, Module } from '@nestjs/common';
import { MessagingModule } from '@bp/messaging';
import { DatabaseModule, PlatformModule } from '@bp/platform';
import { AvailabilityModule } from './availability/availability.module.js';
import { BookingsModule } from './bookings/bookings.module.js';
import type { BookingConfig } from './config/booking.config.js';
import { ProvidersModule } from './providers/providers.module.js';
import { ReservationsModule } from './reservations/reservations.module.js';
import { bookingRetention } from './retention.js';

@Module({})
export class AppModule {
  static forRoot(config: BookingConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot(config),
        DatabaseModule,
        MessagingModule.forRoot({ inbox: 'mongo' }),
        bookingRetention,
        ProvidersModule,
        ReservationsModule,
        BookingsModule,
        AvailabilityModule,
      ],
    };
  }
}
