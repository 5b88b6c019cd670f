import { Body, Controller, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ReasonRequest, RescheduleRequest, RetryPaymentRequest } from '@bp/contracts';
import { IdempotencyKey } from '@bp/platform';
import { JwtAuthGuard, Roles } from '../auth/jwt-auth.guard.js';
import { ApiData, ApiFailures, ApiMutation, ApiPublicRoute } from '../openapi/api-docs.decorators.js';
import { Upstreams } from '../upstream/upstreams.js';

/** The spec's confirmation and action routes: who may call each is checked here (403), whose booking it is by booking-svc (404). */
@Controller('api/bookings/:id')
@UseGuards(JwtAuthGuard)
@ApiTags('booking actions')
@ApiPublicRoute()
export class BookingActionsController {
  constructor(private readonly upstreams: Upstreams) {}

  private act(action: string, id: string, key: string, body: unknown, reply: FastifyReply) {
    return this.upstreams.relay(reply, 'booking', {
      method: 'POST',
      path: `/internal/bookings/${encodeURIComponent(id)}/${action}`,
      body,
      idempotencyKey: key,
    });
  }

  @Post('confirm')
  @Roles('provider')
  @HttpCode(200)
  @ApiMutation()
  @ApiData(200, 'Booking', 'The booking after the action')
  @ApiFailures(403, 404, 409, 410)
  confirm(@Param('id') id: string, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.act('confirm', id, key, {}, reply);
  }

  @Post('decline')
  @Roles('provider')
  @HttpCode(200)
  @ApiMutation()
  @ApiData(200, 'Booking', 'The booking after the action')
  @ApiFailures(403, 404, 409, 410)
  decline(@Param('id') id: string, @Body() body: ReasonRequest, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.act('decline', id, key, body ?? {}, reply);
  }

  @Post('reschedule')
  @Roles('provider')
  @HttpCode(200)
  @ApiMutation()
  @ApiData(200, 'Booking', 'The booking after the action')
  @ApiFailures(403, 404, 409, 410)
  reschedule(@Param('id') id: string, @Body() body: RescheduleRequest, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.act('reschedule', id, key, body, reply);
  }

  @Post('accept-reschedule')
  @Roles('patient')
  @HttpCode(200)
  @ApiMutation()
  @ApiData(200, 'Booking', 'The booking after the action')
  @ApiFailures(403, 404, 409, 410)
  acceptReschedule(@Param('id') id: string, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.act('accept-reschedule', id, key, {}, reply);
  }

  @Post('decline-reschedule')
  @Roles('patient')
  @HttpCode(200)
  @ApiMutation()
  @ApiData(200, 'Booking', 'The booking after the action')
  @ApiFailures(403, 404, 409, 410)
  declineReschedule(@Param('id') id: string, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.act('decline-reschedule', id, key, {}, reply);
  }

  @Post('retry-payment')
  @Roles('patient')
  @HttpCode(200)
  @ApiMutation()
  @ApiData(200, 'Booking', 'The booking after the action')
  @ApiFailures(403, 404, 409, 410)
  retryPayment(@Param('id') id: string, @Body() body: RetryPaymentRequest, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.act('retry-payment', id, key, body ?? {}, reply);
  }

  @Post('cancel')
  @Roles('patient', 'provider')
  @HttpCode(200)
  @ApiMutation()
  @ApiData(200, 'Booking', 'The booking after the action')
  @ApiFailures(403, 404, 409, 410)
  cancel(@Param('id') id: string, @Body() body: ReasonRequest, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.act('cancel', id, key, body ?? {}, reply);
  }

  @Post('check-in')
  @Roles('provider')
  @HttpCode(200)
  @ApiMutation()
  @ApiData(200, 'Booking', 'The booking after the action')
  @ApiFailures(403, 404, 409, 410)
  checkIn(@Param('id') id: string, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.act('check-in', id, key, {}, reply);
  }

  @Post('start')
  @Roles('provider')
  @HttpCode(200)
  @ApiMutation()
  @ApiData(200, 'Booking', 'The booking after the action')
  @ApiFailures(403, 404, 409, 410)
  start(@Param('id') id: string, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.act('start', id, key, {}, reply);
  }

  @Post('complete')
  @Roles('provider')
  @HttpCode(200)
  @ApiMutation()
  @ApiData(200, 'Booking', 'The booking after the action')
  @ApiFailures(403, 404, 409, 410)
  complete(@Param('id') id: string, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.act('complete', id, key, {}, reply);
  }

  @Post('no-show')
  @Roles('provider')
  @HttpCode(200)
  @ApiMutation()
  @ApiData(200, 'Booking', 'The booking after the action')
  @ApiFailures(403, 404, 409, 410)
  noShow(@Param('id') id: string, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.act('no-show', id, key, {}, reply);
  }
}
