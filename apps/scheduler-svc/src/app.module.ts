import { type DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { MessagingModule } from '@bp/messaging';
import { OutboxModule } from '@bp/outbox';
import { DatabaseModule, PlatformModule } from '@bp/platform';
import type { SchedulerConfig } from './config/scheduler.config.js';
import { JobsModule } from './jobs/jobs.module.js';
import { schedulerRetention } from './retention.js';
import { TimerFirer } from './timers/application/fire-timers/timer-firer.js';
import { ScheduleTimerUseCase } from './timers/application/schedule-timer/schedule-timer.use-case.js';
import { CatchUpWatermark } from './timers/infrastructure/catch-up-watermark.store.js';
import { TIMER_MODEL, TimerSchema } from './timers/infrastructure/timer.schema.js';
import { TimerStore } from './timers/infrastructure/timer.store.js';
import { BookingEventsConsumer } from './timers/interface/booking-events.consumer.js';

const timerModels = MongooseModule.forFeature([{ name: TIMER_MODEL, schema: TimerSchema }]);

@Module({})
export class AppModule {
  static forRoot(config: SchedulerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot(config),
        DatabaseModule,
        MessagingModule.forRoot({ inbox: 'mongo' }),
        schedulerRetention,
        timerModels,
        OutboxModule.forModels([TIMER_MODEL], [timerModels]),
        JobsModule,
      ],
      controllers: [BookingEventsConsumer],
      providers: [TimerStore, CatchUpWatermark, ScheduleTimerUseCase, TimerFirer],
    };
  }
}
