import { type DynamicModule, Module } from '@nestjs/common';
import { MessagingModule } from '@bp/messaging';
import { InternalHttpClient, PlatformModule } from '@bp/platform';
import { JwtAuthGuard } from './auth/jwt-auth.guard.js';
import { BookingsController } from './bookings/bookings.controller.js';
import type { GatewayConfig } from './config/gateway.config.js';
import { BookingStreamController } from './live/booking-stream.controller.js';
import { BookingEventsConsumer, BookingStreamHub } from './live/booking-stream.hub.js';

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot(config), MessagingModule.forRoot({ inbox: 'none', groupId: `gateway-live-${config.GATEWAY_INSTANCE_ID}` })],
      controllers: [BookingsController, BookingStreamController, BookingEventsConsumer],
      providers: [InternalHttpClient, JwtAuthGuard, BookingStreamHub],
    };
  }
}
