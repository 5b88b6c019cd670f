import { Body, Controller, Delete, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RegisterDeviceRequest } from '@bp/contracts';
import { IdempotencyKey } from '@bp/platform';
import { JwtAuthGuard, Roles } from '../auth/jwt-auth.guard.js';
import { ApiData, ApiFailures, ApiMutation, ApiPublicRoute } from '../openapi/api-docs.decorators.js';
import { Upstreams } from '../upstream/upstreams.js';

/** The caller's own devices for push notifications (FCM registration tokens; notification-svc owns them). */
@Controller('api/notifications/devices')
@UseGuards(JwtAuthGuard)
@Roles('patient', 'provider')
@ApiTags('notifications')
@ApiPublicRoute()
@ApiFailures(403)
export class NotificationDevicesController {
  constructor(private readonly upstreams: Upstreams) {}

  /** Registers this device (idempotent: a known token stays once); a person keeps at most 10, the oldest dropped. */
  @Post()
  @HttpCode(201)
  @ApiMutation()
  @ApiData(201, 'NotificationDevices', 'The caller’s registered devices')
  register(@Body() body: RegisterDeviceRequest, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'notification', { method: 'POST', path: '/internal/notification-devices/me', body, idempotencyKey: key });
  }

  /** Forgets a device (signing out on it); forgetting an unknown one changes nothing. */
  @Delete(':token')
  @ApiMutation()
  @ApiData(200, 'NotificationDevices', 'The caller’s remaining devices')
  unregister(@Param('token') token: string, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'notification', {
      method: 'DELETE',
      path: `/internal/notification-devices/me/${encodeURIComponent(token)}`,
      idempotencyKey: key,
    });
  }
}
