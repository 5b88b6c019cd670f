import { Body, Controller, Get, Put, UseGuards } from '@nestjs/common';
import { NotificationPreferencesRequest, type NotificationPreferencesView } from '@bp/contracts';
import { type Actor, IdempotencyKey, InternalActor, InternalAuthGuard, success } from '@bp/platform';
import { ChangePreferences } from '../application/change-preferences/change-preferences.use-case.js';
import { ReadPreferences } from '../application/read-preferences/read-preferences.query.js';
import type { RecipientPreferences } from '../domain/preferences.js';
import { person } from './person.js';

/** The caller's own notification preferences, with each contact's verification state (nobody reads or changes anyone else's). */
@Controller('internal/notification-preferences')
@UseGuards(InternalAuthGuard)
export class PreferencesController {
  constructor(
    private readonly read: ReadPreferences,
    private readonly change: ChangePreferences,
  ) {}

  @Get('me')
  async get(@InternalActor() actor: Actor) {
    return success<NotificationPreferencesView>(await this.read.execute(person(actor)));
  }

  @Put('me')
  async put(@Body() body: NotificationPreferencesRequest, @InternalActor() actor: Actor, @IdempotencyKey() _key: string) {
    return success<NotificationPreferencesView>(await this.change.execute(person(actor), body as Partial<RecipientPreferences>));
  }
}
