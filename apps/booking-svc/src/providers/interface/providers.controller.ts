import { Body, Controller, Get, HttpCode, Param, Patch, Put, UseFilters, UseGuards } from '@nestjs/common';
import { type Actor, IdempotencyKey, IdempotencyStore, InternalActor, InternalAuthGuard, success } from '@bp/platform';
import { BookingErrorFilter } from '../../shared/interface/booking-error.filter.js';
import { ChangeProviderUseCases } from '../application/change-provider.use-cases.js';
import { CreateProviderUseCase } from '../application/create-provider.use-case.js';
import { ReadProviderQueries } from '../application/read-provider.queries.js';
import { CreateProviderRequest, ReplaceScheduleRequest, ReplaceServicesRequest, SettingsRequest, type ProviderProfileView } from '@bp/contracts';
import { ProviderIdParams } from './provider-id.params.js';
import { toOverrides, toServices, toSettingsChange, toWeeklyHours } from './provider-request.mapper.js';
import { providerView } from './provider.view.js';

/**
 * Provider profiles (the gateway's callers: the provider, admins, anyone booking). Mutations need an
 * X-Idempotency-Key: a retry with the same key and body gets the first answer again.
 */
@Controller('internal/providers')
@UseGuards(InternalAuthGuard)
@UseFilters(BookingErrorFilter)
export class ProvidersController {
  constructor(
    private readonly createProvider: CreateProviderUseCase,
    private readonly changeProvider: ChangeProviderUseCases,
    private readonly read: ReadProviderQueries,
    private readonly idempotency: IdempotencyStore,
  ) {}

  private async once(actor: Actor, operation: string, key: string, body: unknown, run: () => Promise<unknown>): Promise<unknown> {
    return (await this.idempotency.run({ actor, operation, key }, body, async () => ({ status: 200, body: await run() }))).body;
  }

  @Put(':id')
  @HttpCode(201)
  async create(@Param() { id }: ProviderIdParams, @Body() body: CreateProviderRequest, @InternalActor() actor: Actor, @IdempotencyKey() key: string) {
    return this.once(actor, `create-provider:${id}`, key, body, async () => {
      const provider = await this.createProvider.execute(actor, {
        id,
        ...(body.displayName ? { displayName: body.displayName } : {}),
        timezone: body.timezone,
        services: toServices(body.services),
        weeklyHours: toWeeklyHours(body.weeklyHours),
        overrides: toOverrides(body.overrides),
        settings: toSettingsChange(body.settings),
      });
      return success(providerView(provider));
    });
  }

  @Patch(':id/settings')
  async changeSettings(@Param() { id }: ProviderIdParams, @Body() body: SettingsRequest, @InternalActor() actor: Actor, @IdempotencyKey() key: string) {
    return this.once(actor, `provider-settings:${id}`, key, body, async () =>
      success(providerView(await this.changeProvider.changeSettings(actor, id, toSettingsChange(body)))),
    );
  }

  @Put(':id/schedule')
  async replaceSchedule(@Param() { id }: ProviderIdParams, @Body() body: ReplaceScheduleRequest, @InternalActor() actor: Actor, @IdempotencyKey() key: string) {
    const change = {
      weeklyHours: toWeeklyHours(body.weeklyHours),
      overrides: toOverrides(body.overrides),
      ...(body.timezone === undefined ? {} : { timezone: body.timezone }),
    };
    return this.once(actor, `provider-schedule:${id}`, key, body, async () =>
      success(providerView(await this.changeProvider.replaceSchedule(actor, id, change))),
    );
  }

  @Put(':id/services')
  async replaceServices(@Param() { id }: ProviderIdParams, @Body() body: ReplaceServicesRequest, @InternalActor() actor: Actor, @IdempotencyKey() key: string) {
    return this.once(actor, `provider-services:${id}`, key, body, async () =>
      success(providerView(await this.changeProvider.replaceServices(actor, id, toServices(body.services)))),
    );
  }

  @Get(':id')
  async get(@Param() { id }: ProviderIdParams, @InternalActor() actor: Actor) {
    return success(providerView(await this.read.full(actor, id)));
  }

  /** Anyone's view for booking; needs no particular actor, so none is required. */
  @Get(':id/profile')
  async profile(@Param() { id }: ProviderIdParams) {
    return success<ProviderProfileView>(await this.read.publicProfile(id));
  }
}
