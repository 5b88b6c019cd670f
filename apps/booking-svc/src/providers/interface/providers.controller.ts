import { Body, Controller, Get, HttpCode, Param, Patch, Put, UseFilters, UseGuards } from '@nestjs/common';
import { type Actor, IdempotencyKey, InternalActor, InternalAuthGuard, success } from '@bp/platform';
import { BookingErrorFilter } from '../../shared/interface/booking-error.filter.js';
import { ChangeProviderUseCases } from '../application/change-provider.use-cases.js';
import { CreateProviderUseCase } from '../application/create-provider.use-case.js';
import { ReadProviderQueries } from '../application/read-provider.queries.js';
import { CreateProviderRequest } from './create-provider.request.js';
import { ProviderIdParams } from './provider-id.params.js';
import { toOverrides, toServices, toSettingsChange, toWeeklyHours } from './provider-request.mapper.js';
import { providerView } from './provider.view.js';
import { ReplaceScheduleRequest } from './schedule.request.js';
import { ReplaceServicesRequest } from './service.request.js';
import { SettingsRequest } from './settings.request.js';

/**
 * Provider profiles (the gateway's callers: the provider, admins, anyone booking). Mutations need an
 * X-Idempotency-Key; storing idempotency records is not done here yet, so a retried create answers 409.
 */
@Controller('internal/providers')
@UseGuards(InternalAuthGuard)
@UseFilters(BookingErrorFilter)
export class ProvidersController {
  constructor(
    private readonly createProvider: CreateProviderUseCase,
    private readonly changeProvider: ChangeProviderUseCases,
    private readonly read: ReadProviderQueries,
  ) {}

  @Put(':id')
  @HttpCode(201)
  async create(@Param() { id }: ProviderIdParams, @Body() body: CreateProviderRequest, @InternalActor() actor: Actor, @IdempotencyKey() _key: string) {
    const provider = await this.createProvider.execute(actor, {
      id,
      timezone: body.timezone,
      services: toServices(body.services),
      weeklyHours: toWeeklyHours(body.weeklyHours),
      overrides: toOverrides(body.overrides),
      settings: toSettingsChange(body.settings),
    });
    return success(providerView(provider));
  }

  @Patch(':id/settings')
  async changeSettings(@Param() { id }: ProviderIdParams, @Body() body: SettingsRequest, @InternalActor() actor: Actor, @IdempotencyKey() _key: string) {
    return success(providerView(await this.changeProvider.changeSettings(actor, id, toSettingsChange(body))));
  }

  @Put(':id/schedule')
  async replaceSchedule(@Param() { id }: ProviderIdParams, @Body() body: ReplaceScheduleRequest, @InternalActor() actor: Actor, @IdempotencyKey() _key: string) {
    const change = { weeklyHours: toWeeklyHours(body.weeklyHours), overrides: toOverrides(body.overrides), ...(body.timezone === undefined ? {} : { timezone: body.timezone }) };
    return success(providerView(await this.changeProvider.replaceSchedule(actor, id, change)));
  }

  @Put(':id/services')
  async replaceServices(@Param() { id }: ProviderIdParams, @Body() body: ReplaceServicesRequest, @InternalActor() actor: Actor, @IdempotencyKey() _key: string) {
    return success(providerView(await this.changeProvider.replaceServices(actor, id, toServices(body.services))));
  }

  @Get(':id')
  async get(@Param() { id }: ProviderIdParams, @InternalActor() actor: Actor) {
    return success(providerView(await this.read.full(actor, id)));
  }

  /** Anyone's view for booking; needs no particular actor, so none is required. */
  @Get(':id/profile')
  async profile(@Param() { id }: ProviderIdParams) {
    return success(await this.read.publicProfile(id));
  }
}
