import { Controller, Get, Param, Res, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { JwtAuthGuard, Roles } from '../auth/jwt-auth.guard.js';
import { ApiData, ApiFailures, ApiPublicRoute } from '../openapi/api-docs.decorators.js';
import { Upstreams } from '../upstream/upstreams.js';

/** A booking's notification status for admins: what was sent to whom on which channel, what is waiting, what failed and why. */
@Controller('api/admin/bookings')
@UseGuards(JwtAuthGuard)
@Roles('admin')
@ApiTags('admin')
@ApiPublicRoute()
@ApiFailures(403)
export class AdminBookingNotificationsController {
  constructor(private readonly upstreams: Upstreams) {}

  /** Every delivery about the booking (an empty list when none): channel, template, recipient role, status, attempts, times, last error code. */
  @Get(':id/notifications')
  @ApiData(200, 'BookingNotifications', 'The booking’s notification deliveries, oldest first')
  list(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'notification', { method: 'GET', path: `/internal/notifications/bookings/${encodeURIComponent(id)}` });
  }
}
