import { Controller, Get, Param, Res, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { JwtAuthGuard, Roles } from '../auth/jwt-auth.guard.js';
import { ApiData, ApiFailures, ApiPublicRoute } from '../openapi/api-docs.decorators.js';
import { Upstreams } from '../upstream/upstreams.js';

/** A booking's calendar event for admins: which calendar, the event, and how syncing it went (a failed write waits for the sync job). */
@Controller('api/admin/bookings')
@UseGuards(JwtAuthGuard)
@Roles('admin')
@ApiTags('admin')
@ApiPublicRoute()
@ApiFailures(403)
export class AdminBookingCalendarController {
  constructor(private readonly upstreams: Upstreams) {}

  @Get(':id/calendar-event')
  @ApiData(200, 'CalendarEventSync', 'The booking’s calendar event and its sync state')
  @ApiFailures(404)
  get(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'calendar', { method: 'GET', path: `/internal/calendar/bookings/${encodeURIComponent(id)}/event` });
  }
}
