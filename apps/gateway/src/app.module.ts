import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { MessagingModule } from '@bp/messaging';
import { InternalHttpClient, PlatformModule } from '@bp/platform';
import { AdminBookingCalendarController } from './admin/admin-booking-calendar.controller.js';
import { AdminBookingsController } from './admin/admin-bookings.controller.js';
import { AdminPaymentsController } from './admin/admin-payments.controller.js';
import { BookingHealthSources } from './admin/booking-health.sources.js';
import { FeatureFlagsAdminController } from './admin/feature-flags.controller.js';
import { JwtAuthGuard } from './auth/jwt-auth.guard.js';
import { TokenVerifier } from './auth/token-verifier.js';
import { BookingActionsController } from './bookings/booking-actions.controller.js';
import { BookingsController } from './bookings/bookings.controller.js';
import type { GatewayConfig } from './config/gateway.config.js';
import { DevSignInController, devSignInEnabled } from './dev/dev-sign-in.controller.js';
import { HealthBookingController } from './health-booking/health-booking.controller.js';
import { ClientHeadersGuard } from './http/client-headers.guard.js';
import { BookingStreamController } from './live/booking-stream.controller.js';
import { BookingEventsConsumer, BookingStreamHub } from './live/booking-stream.hub.js';
import { LiveFeed } from './live/live-feed.js';
import { LiveSocketController } from './live/live-socket.controller.js';
import { LiveSocketServer } from './live/live-socket.server.js';
import { AdminBookingNotificationsController } from './notifications/admin-booking-notifications.controller.js';
import { NotificationContactsController } from './notifications/notification-contacts.controller.js';
import { NotificationDevicesController } from './notifications/notification-devices.controller.js';
import { NotificationPreferencesController } from './notifications/notification-preferences.controller.js';
import { SavedCardsController } from './payments/saved-cards.controller.js';
import { ProviderCalendarController } from './providers/provider-calendar.controller.js';
import { ProvidersController } from './providers/providers.controller.js';
import { RateLimitGuard } from './rate-limit/rate-limit.guard.js';
import { RateLimitModule } from './rate-limit/rate-limit.module.js';
import { Upstreams } from './upstream/upstreams.js';

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot(config),
        MessagingModule.forRoot({ inbox: 'none', groupId: `gateway-live-${config.GATEWAY_INSTANCE_ID}`, internalRoutes: false, ephemeral: true }),
        RateLimitModule,
      ],
      controllers: [
        BookingStreamController,
        LiveSocketController,
        BookingsController,
        BookingActionsController,
        ProvidersController,
        ProviderCalendarController,
        AdminBookingsController,
        AdminPaymentsController,
        AdminBookingCalendarController,
        FeatureFlagsAdminController,
        NotificationPreferencesController,
        SavedCardsController,
        NotificationDevicesController,
        NotificationContactsController,
        AdminBookingNotificationsController,
        HealthBookingController,
        BookingEventsConsumer,
        // The development sign-in does not exist in production: its route is not even registered.
        ...(devSignInEnabled(config) ? [DevSignInController] : []),
      ],
      providers: [
        // Order matters: rate limits (per user once the token verifies, else per address) before the header checks.
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_GUARD, useClass: ClientHeadersGuard },
        InternalHttpClient,
        TokenVerifier,
        JwtAuthGuard,
        Upstreams,
        BookingHealthSources,
        BookingStreamHub,
        LiveFeed,
        LiveSocketServer,
      ],
    };
  }
}
