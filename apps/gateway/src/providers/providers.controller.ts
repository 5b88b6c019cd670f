import { Body, Controller, Get, Headers, Param, Patch, Put, Query, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { IdempotencyKey } from '@bp/platform';
import { JwtAuthGuard, Roles } from '../auth/jwt-auth.guard.js';
import { Upstreams } from '../upstream/upstreams.js';

/** Providers: availability and profile for everyone signed in; settings, schedule, services and payout account for the provider themself or an admin (checked by the owning service). */
@Controller('api/providers/:id')
@UseGuards(JwtAuthGuard)
export class ProvidersController {
  constructor(private readonly upstreams: Upstreams) {}

  private path(id: string, rest = ''): string {
    return `/internal/providers/${encodeURIComponent(id)}${rest}`;
  }

  /** Free slots between two dates, in UTC and in the caller's zone (X-Timezone, unless `timezone` is given). */
  @Get('availability')
  availability(
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
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
  profile(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'booking', { method: 'GET', path: this.path(id, '/profile') });
  }

  @Get()
  @Roles('provider', 'admin')
  get(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'booking', { method: 'GET', path: this.path(id) });
  }

  /** Onboards a provider (admin). */
  @Put()
  @Roles('admin')
  create(@Param('id') id: string, @Body() body: unknown, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'booking', { method: 'PUT', path: this.path(id), body, idempotencyKey: key });
  }

  @Patch('settings')
  @Roles('provider', 'admin')
  settings(@Param('id') id: string, @Body() body: unknown, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'booking', { method: 'PATCH', path: this.path(id, '/settings'), body, idempotencyKey: key });
  }

  @Put('schedule')
  @Roles('provider', 'admin')
  schedule(@Param('id') id: string, @Body() body: unknown, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'booking', { method: 'PUT', path: this.path(id, '/schedule'), body, idempotencyKey: key });
  }

  @Put('services')
  @Roles('provider', 'admin')
  services(@Param('id') id: string, @Body() body: unknown, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'booking', { method: 'PUT', path: this.path(id, '/services'), body, idempotencyKey: key });
  }

  @Get('payout-account')
  @Roles('provider', 'admin')
  payoutAccount(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'payment', { method: 'GET', path: this.path(id, '/payout-account') });
  }

  @Put('payout-account')
  @Roles('provider', 'admin')
  setPayoutAccount(@Param('id') id: string, @Body() body: unknown, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'payment', { method: 'PUT', path: this.path(id, '/payout-account'), body, idempotencyKey: key });
  }
}
