import { Body, Controller, Get, Put, Res, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { NotificationPreferencesRequest } from '@bp/contracts';
import { IdempotencyKey } from '@bp/platform';
import { JwtAuthGuard, Roles } from '../auth/jwt-auth.guard.js';
import { ApiData, ApiFailures, ApiMutation, ApiPublicRoute } from '../openapi/api-docs.decorators.js';
import { Upstreams } from '../upstream/upstreams.js';

/** The caller's own notification preferences and contacts (notification-svc owns them). */
@Controller('api/notifications/preferences')
@UseGuards(JwtAuthGuard)
@Roles('patient', 'provider')
@ApiTags('notifications')
@ApiPublicRoute()
@ApiFailures(403)
export class NotificationPreferencesController {
  constructor(private readonly upstreams: Upstreams) {}

  @Get()
  @ApiData(200, 'NotificationPreferences', 'Channels, contacts, quiet hours and frequency')
  get(@Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'notification', { method: 'GET', path: '/internal/notification-preferences/me' });
  }

  @Put()
  @ApiMutation()
  @ApiData(200, 'NotificationPreferences', 'The preferences after the change')
  change(@Body() body: NotificationPreferencesRequest, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'notification', { method: 'PUT', path: '/internal/notification-preferences/me', body, idempotencyKey: key });
  }
}
