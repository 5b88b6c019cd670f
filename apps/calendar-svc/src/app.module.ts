import { type DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@bp/contracts';
import { MessagingModule } from '@bp/messaging';
import { DatabaseModule, PlatformModule } from '@bp/platform';
import type { CalendarConfig } from './config/calendar.config.js';

/**
 * Boots with its database, health, metrics and a consumer on its command topic. Its domain arrives
 * with its own issue; until then a command sent here is dead-lettered ("no handler"), never dropped.
 */
@Module({})
export class AppModule {
  static forRoot(config: CalendarConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot(config), DatabaseModule, MessagingModule.forRoot({ inbox: 'mongo', extraTopics: [Topics.calendarCommands] })],
    };
  }
}
