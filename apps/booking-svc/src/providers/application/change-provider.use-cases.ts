import { Injectable } from '@nestjs/common';
import type { Actor } from '@bp/platform';
import { BookingError, BookingErrorCode } from '../../shared/domain/booking-error.js';
import { type Provider, type SettingsChange, changeSettings, checkSchedule, checkServiceList } from '../domain/provider.js';
import type { ProviderServiceInput } from '../domain/provider-service.js';
import type { DateOverride, WeeklyHours } from '../domain/schedule.js';
import { ProviderRepository } from '../infrastructure/provider.repository.js';
import { assertMayChangeMode, assertMayManage } from './provider-access.js';

export interface ScheduleChange {
  /** Omitted: the provider's current time zone. */
  timezone?: string;
  weeklyHours: WeeklyHours;
  overrides: DateOverride[];
}

/**
 * Changes to an existing provider profile by its owner or an admin. Each reads the provider, checks the
 * change against it and writes on the version it read (VERSION_CONFLICT if someone wrote in between).
 */
@Injectable()
export class ChangeProviderUseCases {
  constructor(private readonly providers: ProviderRepository) {}

  async changeSettings(actor: Actor, id: string, change: SettingsChange): Promise<Provider> {
    const provider = await this.load(actor, id);
    assertMayChangeMode(actor, provider.settings, change);
    return this.providers.replaceSettings(id, provider.version, changeSettings(provider.settings, change));
  }

  async replaceSchedule(actor: Actor, id: string, change: ScheduleChange): Promise<Provider> {
    const provider = await this.load(actor, id);
    const schedule = checkSchedule({ timezone: change.timezone ?? provider.timezone, weeklyHours: change.weeklyHours, overrides: change.overrides });
    return this.providers.replaceSchedule(id, provider.version, schedule);
  }

  async replaceServices(actor: Actor, id: string, services: ProviderServiceInput[]): Promise<Provider> {
    const provider = await this.load(actor, id);
    return this.providers.replaceServices(id, provider.version, checkServiceList(services));
  }

  private async load(actor: Actor, id: string): Promise<Provider> {
    assertMayManage(actor, id);
    const provider = await this.providers.findById(id);
    if (!provider) throw new BookingError(BookingErrorCode.ProviderNotFound, `Provider ${id} not found`);
    return provider;
  }
}
