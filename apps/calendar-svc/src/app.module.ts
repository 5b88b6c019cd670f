import { type DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { MessagingModule } from '@bp/messaging';
import { OutboxModule } from '@bp/outbox';
import { DatabaseModule, IdempotencyModule, PlatformModule } from '@bp/platform';
import { BusyTimes } from './busy-times/application/busy-times.js';
import { BUSY_WINDOW_MODEL, BusyWindowSchema } from './busy-times/infrastructure/busy-window.schema.js';
import { BusyWindowStore } from './busy-times/infrastructure/busy-window.store.js';
import { CalendarApis } from './calendar-apis/infrastructure/calendar-apis.js';
import type { CalendarConfig } from './config/calendar.config.js';
import { CalendarSession } from './connections/application/calendar-session.js';
import { ConnectCalendar } from './connections/application/connect-calendar.js';
import { CONNECTION_MODEL, ConnectionSchema, OAUTH_STATE_MODEL, OAuthStateSchema } from './connections/infrastructure/connection.schema.js';
import { ConnectionRepository } from './connections/infrastructure/connection.repository.js';
import { OAuthStateStore } from './connections/infrastructure/oauth-state.store.js';
import { tokenCipherProvider } from './connections/infrastructure/token-cipher.provider.js';
import { CalendarController } from './connections/interface/calendar.controller.js';
import { EventSyncer } from './event-sync/application/event-syncer.js';
import { EVENT_MAPPING_MODEL, EventMappingSchema } from './event-sync/infrastructure/event-mapping.schema.js';
import { EventMappingStore } from './event-sync/infrastructure/event-mapping.store.js';
import { CalendarMessagesConsumer } from './event-sync/interface/calendar-messages.consumer.js';
import { calendarRetention } from './retention.js';

const outboxModels = MongooseModule.forFeature([
  { name: CONNECTION_MODEL, schema: ConnectionSchema },
  { name: BUSY_WINDOW_MODEL, schema: BusyWindowSchema },
]);
const models = MongooseModule.forFeature([
  { name: OAUTH_STATE_MODEL, schema: OAuthStateSchema },
  { name: EVENT_MAPPING_MODEL, schema: EventMappingSchema },
]);

/**
 * Calendar connections (OAuth, sealed tokens), free/busy for booking-svc's availability and the
 * pre-capture check, and the provider's calendar events kept in step with their bookings.
 */
@Module({})
export class AppModule {
  static forRoot(config: CalendarConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot(config),
        DatabaseModule,
        MessagingModule.forRoot({ inbox: 'mongo' }),
        calendarRetention,
        outboxModels,
        models,
        OutboxModule.forModels([CONNECTION_MODEL, BUSY_WINDOW_MODEL], [outboxModels]),
        IdempotencyModule,
      ],
      controllers: [CalendarController, CalendarMessagesConsumer],
      providers: [
        tokenCipherProvider,
        CalendarApis,
        ConnectionRepository,
        OAuthStateStore,
        BusyWindowStore,
        EventMappingStore,
        CalendarSession,
        ConnectCalendar,
        BusyTimes,
        EventSyncer,
      ],
    };
  }
}
