import { Body, Controller, Delete, Get, Param, Post, Res, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CalendarCallbackRequest, CalendarConnectRequest } from '@bp/contracts';
import { IdempotencyKey } from '@bp/platform';
import { JwtAuthGuard, Roles } from '../auth/jwt-auth.guard.js';
import { ApiData, ApiFailures, ApiMutation, ApiPublicRoute } from '../openapi/api-docs.decorators.js';
import { Upstreams } from '../upstream/upstreams.js';

/**
 * A provider's calendar connection (calendar-svc): start the OAuth consent, hand back the code,
 * read the status, disconnect. The provider themself or an admin; another provider gets 404.
 */
@Controller('api/providers/:id/calendar')
@UseGuards(JwtAuthGuard)
@Roles('provider', 'admin')
@ApiTags('providers')
@ApiPublicRoute()
export class ProviderCalendarController {
  constructor(private readonly upstreams: Upstreams) {}

  private path(id: string, rest = ''): string {
    return `/internal/calendar/providers/${encodeURIComponent(id)}${rest}`;
  }

  @Get()
  @ApiData(200, 'CalendarConnection', 'The connection’s status (never its tokens)')
  @ApiFailures(403, 404)
  get(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'calendar', { method: 'GET', path: this.path(id) });
  }

  /** Step 1: the consent URL to open, with a single-use state valid for 10 minutes. */
  @Post('connect')
  @ApiMutation()
  @ApiData(201, 'CalendarAuthorization', 'Where to send the provider to grant access')
  @ApiFailures(403, 404)
  connect(@Param('id') id: string, @Body() body: CalendarConnectRequest, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'calendar', { method: 'POST', path: this.path(id, '/connect'), body, idempotencyKey: key });
  }

  /** Step 2: the `code` and `state` the consent screen redirected back with; the provider switches to instant booking. */
  @Post('callback')
  @ApiMutation()
  @ApiData(201, 'CalendarConnection', 'The calendar is connected')
  @ApiFailures(403, 404, 409)
  callback(@Param('id') id: string, @Body() body: CalendarCallbackRequest, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'calendar', { method: 'POST', path: this.path(id, '/callback'), body, idempotencyKey: key });
  }

  /** Revokes and forgets the tokens; the provider switches to request booking. */
  @Delete()
  @ApiMutation()
  @ApiData(200, 'CalendarConnection', 'The calendar is disconnected')
  @ApiFailures(403, 404, 409)
  disconnect(@Param('id') id: string, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'calendar', { method: 'DELETE', path: this.path(id), idempotencyKey: key });
  }
}
