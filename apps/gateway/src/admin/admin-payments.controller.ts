import { Controller, Get, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { IdempotencyKey } from '@bp/platform';
import { JwtAuthGuard, Roles } from '../auth/jwt-auth.guard.js';
import { ApiData, ApiFailures, ApiMutation, ApiPublicRoute } from '../openapi/api-docs.decorators.js';
import { Upstreams } from '../upstream/upstreams.js';

/** Stripe events payment-svc gave up on after repeated failures (parked), and putting one back in line once fixed. */
@Controller('api/admin/payments/stripe-events')
@UseGuards(JwtAuthGuard)
@Roles('admin')
@ApiTags('admin')
@ApiPublicRoute()
@ApiFailures(403)
export class AdminPaymentsController {
  constructor(private readonly upstreams: Upstreams) {}

  @Get('parked')
  @ApiData(200, 'ParkedStripeEvents', 'Parked events: id, type, when, attempts and the last error')
  parked(@Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'payment', { method: 'GET', path: '/internal/stripe-events/parked' });
  }

  /** Puts a parked event back in line (docs/runbooks/payment-webhook-events-parked.md). */
  @Post(':id/redrive')
  @HttpCode(200)
  @ApiMutation()
  @ApiData(200, 'StripeEventRedrive', 'The event is waiting to be processed again')
  @ApiFailures(404)
  redrive(@Param('id') id: string, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'payment', { method: 'POST', path: `/internal/stripe-events/${encodeURIComponent(id)}/redrive`, idempotencyKey: key });
  }
}
