import { Body, Controller, Get, Headers, Param, Patch, Put, Query, Res, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  AvailabilityRequest,
  CreateProviderRequest,
  PayoutAccountRequest,
  ReplaceScheduleRequest,
  ReplaceServicesRequest,
  SettingsRequest,
} from '@bp/contracts';
import { IdempotencyKey } from '@bp/platform';
import { JwtAuthGuard, Roles } from '../auth/jwt-auth.guard.js';
import { ApiData, ApiFailures, ApiMutation, ApiPublicRoute, ApiQueryFrom } from '../openapi/api-docs.decorators.js';
import { Upstreams } from '../upstream/upstreams.js';

/** Providers: availability and profile for everyone signed in; settings, schedule, services and payout account for the provider themself or an admin (checked by the owning service). */
@Controller('api/providers/:id')
@UseGuards(JwtAuthGuard)
@ApiTags('providers')
@ApiPublicRoute()
export class ProvidersController {
  constructor(private readonly upstreams: Upstreams) {}

  private path(id: string, rest = ''): string {
    return `/internal/providers/${encodeURIComponent(id)}${rest}`;
  }

  /** Free slots between two dates, in UTC and in the caller's zone (X-Timezone, unless `timezone` is given). */
  @Get('availability')
  @ApiQueryFrom(AvailabilityRequest)
  @ApiData(200, 'Availability', 'Bookable slots')
  @ApiFailures(404, 422)
  availability(
    @Param('id') id: string,
    @Query() query: AvailabilityRequest,
    @Headers('x-timezone') zone: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.upstreams.relay(reply, 'booking', {
      method: 'GET',
      path: this.path(id, '/availability'),
      query: { ...(zone ? { timezone: zone } : {}), ...query },
    });
  }

  @Get('profile')
  @ApiData(200, 'ProviderProfile', 'What patients see of the provider')
  @ApiFailures(404)
  profile(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'booking', { method: 'GET', path: this.path(id, '/profile') });
  }

  @Get()
  @Roles('provider', 'admin')
  @ApiData(200, 'Provider', 'The provider’s full record')
  @ApiFailures(403, 404)
  get(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'booking', { method: 'GET', path: this.path(id) });
  }

  /** Onboards a provider (admin). */
  @Put()
  @Roles('admin')
  @ApiMutation()
  @ApiData(201, 'Provider', 'The new provider')
  @ApiFailures(403, 409)
  create(@Param('id') id: string, @Body() body: CreateProviderRequest, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'booking', { method: 'PUT', path: this.path(id), body, idempotencyKey: key });
  }

  @Patch('settings')
  @Roles('provider', 'admin')
  @ApiMutation()
  @ApiData(200, 'Provider', 'The provider with its new booking settings')
  @ApiFailures(403, 404)
  settings(@Param('id') id: string, @Body() body: SettingsRequest, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'booking', { method: 'PATCH', path: this.path(id, '/settings'), body, idempotencyKey: key });
  }

  @Put('schedule')
  @Roles('provider', 'admin')
  @ApiMutation()
  @ApiData(200, 'Provider', 'The provider with its new hours')
  @ApiFailures(403, 404)
  schedule(@Param('id') id: string, @Body() body: ReplaceScheduleRequest, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'booking', { method: 'PUT', path: this.path(id, '/schedule'), body, idempotencyKey: key });
  }

  @Put('services')
  @Roles('provider', 'admin')
  @ApiMutation()
  @ApiData(200, 'Provider', 'The provider with its new services')
  @ApiFailures(403, 404)
  services(@Param('id') id: string, @Body() body: ReplaceServicesRequest, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'booking', { method: 'PUT', path: this.path(id, '/services'), body, idempotencyKey: key });
  }

  @Get('payout-account')
  @Roles('provider', 'admin')
  @ApiData(200, 'PayoutAccount', 'The provider’s Stripe Connect account')
  @ApiFailures(403, 404)
  payoutAccount(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'payment', { method: 'GET', path: this.path(id, '/payout-account') });
  }

  @Put('payout-account')
  @Roles('provider', 'admin')
  @ApiMutation()
  @ApiData(200, 'PayoutAccount', 'The account, and how many waiting payouts were sent to it')
  @ApiFailures(403, 404)
  setPayoutAccount(
    @Param('id') id: string,
    @Body() body: PayoutAccountRequest,
    @IdempotencyKey() key: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.upstreams.relay(reply, 'payment', { method: 'PUT', path: this.path(id, '/payout-account'), body, idempotencyKey: key });
  }
}
