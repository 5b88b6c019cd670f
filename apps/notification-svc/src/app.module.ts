import { type DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { MessagingModule } from '@bp/messaging';
import { OutboxModule } from '@bp/outbox';
import { DatabaseModule, IdempotencyModule, PlatformModule } from '@bp/platform';
import { RecordActivityUseCase } from './activity/application/record-activity/record-activity.use-case.js';
import { ACTIVITY_MODEL, ActivitySchema } from './activity/infrastructure/activity.schema.js';
import { ActivityStore } from './activity/infrastructure/activity.store.js';
import { BookingEventsConsumer } from './activity/interface/booking-events.consumer.js';
import type { NotificationConfig } from './config/notification.config.js';
import { DeliveryDispatcher } from './notifications/application/delivery-dispatcher.js';
import { DigestSender } from './notifications/application/digest-sender.js';
import { NotificationSweeps } from './notifications/application/notification-sweeps.js';
import { Notifier } from './notifications/application/notifier.js';
import { BookingDirectory } from './notifications/infrastructure/booking-directory.js';
import { DeliveryRepository } from './notifications/infrastructure/delivery.repository.js';
import { DELIVERY_MODEL, DeliverySchema } from './notifications/infrastructure/delivery.schema.js';
import { DigestRepository } from './notifications/infrastructure/digest.repository.js';
import { EmailChannel } from './notifications/infrastructure/email.channel.js';
import { NotificationChannels } from './notifications/infrastructure/notification-channels.js';
import { PushChannel } from './notifications/infrastructure/push.channel.js';
import { SmsChannel } from './notifications/infrastructure/sms.channel.js';
import { BookingNotificationsController } from './notifications/interface/booking-notifications.controller.js';
import { NotificationEventsConsumer } from './notifications/interface/notification-events.consumer.js';
import { ChangePreferences } from './recipients/application/change-preferences/change-preferences.use-case.js';
import { ReadPreferences } from './recipients/application/read-preferences/read-preferences.query.js';
import { SendContactCode } from './recipients/application/send-contact-code/send-contact-code.use-case.js';
import { VerifyContact } from './recipients/application/verify-contact/verify-contact.use-case.js';
import { ContactVerificationRepository } from './recipients/infrastructure/contact-verification.repository.js';
import { RecipientRepository } from './recipients/infrastructure/recipient.repository.js';
import { ContactsController } from './recipients/interface/contacts.controller.js';
import { DevicesController } from './recipients/interface/devices.controller.js';
import { PreferencesController } from './recipients/interface/preferences.controller.js';
import { notificationRetention } from './retention.js';

const deliveryModels = MongooseModule.forFeature([{ name: DELIVERY_MODEL, schema: DeliverySchema }]);

@Module({})
export class AppModule {
  static forRoot(config: NotificationConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot(config),
        DatabaseModule,
        MessagingModule.forRoot({ inbox: 'mongo' }),
        notificationRetention,
        MongooseModule.forFeature([{ name: ACTIVITY_MODEL, schema: ActivitySchema }]),
        deliveryModels,
        OutboxModule.forModels([DELIVERY_MODEL], [deliveryModels]),
        IdempotencyModule,
      ],
      controllers: [
        BookingEventsConsumer,
        NotificationEventsConsumer,
        PreferencesController,
        ContactsController,
        DevicesController,
        BookingNotificationsController,
      ],
      providers: [
        ActivityStore,
        RecordActivityUseCase,
        Notifier,
        DeliveryDispatcher,
        DigestSender,
        NotificationSweeps,
        BookingDirectory,
        DeliveryRepository,
        DigestRepository,
        EmailChannel,
        PushChannel,
        SmsChannel,
        NotificationChannels,
        RecipientRepository,
        ContactVerificationRepository,
        ReadPreferences,
        ChangePreferences,
        SendContactCode,
        VerifyContact,
      ],
    };
  }
}
