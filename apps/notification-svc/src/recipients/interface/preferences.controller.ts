import { Body, Controller, Get, Put, UseGuards } from '@nestjs/common';
import { NotificationPreferencesRequest } from '@bp/contracts';
import { type Actor, IdempotencyKey, InternalActor, InternalAuthGuard, success } from '@bp/platform';
import { type RecipientPreferences, mergePreferences } from '../domain/preferences.js';
import { RecipientRepository } from '../infrastructure/recipient.repository.js';
import { person } from './person.js';

/** The caller's own notification preferences (nobody reads or changes anyone else's). */
@Controller('internal/notification-preferences')
@UseGuards(InternalAuthGuard)
export class PreferencesController {
  constructor(private readonly recipients: RecipientRepository) {}

  @Get('me')
  async get(@InternalActor() actor: Actor) {
    const { role, id } = person(actor);
    return success(await this.recipients.find(role, id));
  }

  @Put('me')
  async change(@Body() body: NotificationPreferencesRequest, @InternalActor() actor: Actor, @IdempotencyKey() _key: string) {
    const { role, id } = person(actor);
    const next = mergePreferences(await this.recipients.find(role, id), body as Partial<RecipientPreferences>);
    await this.recipients.save(role, id, next);
    return success(next);
  }
}
