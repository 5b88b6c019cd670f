import { Injectable } from '@nestjs/common';
import type { Actor } from '@bp/platform';
import { DEFAULT_BOOKING_SETTINGS } from '../domain/booking-settings.js';
import { type DefineProviderInput, type Provider, defineProvider } from '../domain/provider.js';
import { ProviderRepository } from '../infrastructure/provider.repository.js';
import { assertMayChangeMode, assertMayManage } from './provider-access.js';

export type CreateProviderCommand = Omit<DefineProviderInput, 'calendarConnected'>;

@Injectable()
export class CreateProviderUseCase {
  constructor(private readonly providers: ProviderRepository) {}

  /** Creates the profile; PROVIDER_EXISTS when there already is one (it is never overwritten). */
  async execute(actor: Actor, command: CreateProviderCommand): Promise<Provider> {
    assertMayManage(actor, command.id);
    assertMayChangeMode(actor, DEFAULT_BOOKING_SETTINGS, command.settings ?? {});
    return this.providers.create(defineProvider(command));
  }
}
