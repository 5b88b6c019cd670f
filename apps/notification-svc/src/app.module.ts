import { type DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { MessagingModule } from '@bp/messaging';
import { DatabaseModule, PlatformModule } from '@bp/platform';
import { RecordActivityUseCase } from './activity/application/record-activity/record-activity.use-case.js';
import { ACTIVITY_MODEL, ActivitySchema } from './activity/infrastructure/activity.schema.js';
import { BookingEventsConsumer } from './activity/interface/booking-events.consumer.js';
import { DeferredSender } from './notifications/application/deferred-sender.js';
import { Notifier } from './notifications/application/notifier.js';
import { BookingDirectory } from './notifications/infrastructure/booking-directory.js';
import { DeliveryRepository } from './notifications/infrastructure/delivery.repository.js';
import { EmailChannel } from './notifications/infrastructure/email.channel.js';
import { NotificationEventsConsumer } from './notifications/interface/notification-events.consumer.js';
import { RecipientRepository } from './recipients/infrastructure/recipient.repository.js';
import { PreferencesController } from './recipients/interface/preferences.controller.js';
import type { NotificationConfig } from './config/notification.config.js';

@Module({})
export class AppModule {
  static forRoot(config: NotificationConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot(config),
        DatabaseModule,
        MessagingModule.forRoot({ inbox: 'mongo' }),
        MongooseModule.forFeature([{ name: ACTIVITY_MODEL, schema: ActivitySchema }]),
      ],
      controllers: [BookingEventsConsumer, NotificationEventsConsumer, PreferencesController],
      providers: [RecordActivityUseCase, Notifier, DeferredSender, BookingDirectory, DeliveryRepository, EmailChannel, RecipientRepository],
    };
  }
}
