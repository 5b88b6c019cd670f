import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AcknowledgeRequest, AdminBookingListRequest, AdminRefundRequest, OverrideRequest } from '@bp/contracts';
import { IdempotencyKey, success } from '@bp/platform';
import { JwtAuthGuard, Roles } from '../auth/jwt-auth.guard.js';
import { ApiData, ApiFailures, ApiMutation, ApiPublicRoute, ApiQueryFrom } from '../openapi/api-docs.decorators.js';
import { Upstreams } from '../upstream/upstreams.js';
import { ALERT_THRESHOLDS, criticalAlerts } from './booking-health.js';
import { BookingHealthSources } from './booking-health.sources.js';

/** The spec's admin routes: every booking, its audit trail and payment, overrides and refunds. */
@Controller('api/admin/bookings')
@UseGuards(JwtAuthGuard)
@Roles('admin')
@ApiTags('admin')
@ApiPublicRoute()
@ApiFailures(403)
export class AdminBookingsController {
  constructor(
    private readonly upstreams: Upstreams,
    private readonly healthSources: BookingHealthSources,
  ) {}

  /** Filters: status (repeatable), type, providerId, patientId, from/to (appointment start); cursor pagination. */
  @Get()
  @ApiQueryFrom(AdminBookingListRequest)
  @ApiData(200, 'BookingPage', 'Bookings matching the filters, newest first')
  list(@Query() query: AdminBookingListRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'booking', { method: 'GET', path: '/internal/bookings', query: { ...query } });
  }

  /** The spec's booking health dashboard: waiting and expiring requests, holds by amount and age, the provider leaderboard, critical alerts. */
  @Get('health')
  @ApiData(200, 'BookingHealth', 'Booking health metrics')
  async health() {
    const [bookings, payments] = await Promise.all([this.healthSources.bookings(), this.healthSources.payments()]);
    return success({
      ...bookings,
      ...payments,
      criticalAlerts: criticalAlerts(bookings, payments),
      thresholds: ALERT_THRESHOLDS,
      generatedAt: new Date().toISOString(),
    });
  }

  /** The bookings waiting for an admin (needsAdmin: a failed capture, a dispute, an expiring hold…), longest waiting first. */
  @Get('needs-admin')
  @ApiData(200, 'BookingList', 'Bookings flagged for an admin, oldest flag first')
  needingAdmin(@Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'booking', { method: 'GET', path: '/internal/bookings/needs-admin' });
  }

  /** The booking with its full audit trail and its payment as payment-svc records it. */
  @Get(':id')
  @ApiData(200, 'AdminBooking', 'The booking with its audit trail and payment record')
  @ApiFailures(404)
  async get(@Param('id') id: string) {
    const path = `/internal/bookings/${encodeURIComponent(id)}`;
    const [booking, audit] = await Promise.all([
      this.upstreams.fetch<object>('booking', { method: 'GET', path }),
      this.upstreams.fetch<unknown[]>('booking', { method: 'GET', path: `${path}/events` }),
    ]);
    const payment = await this.upstreams
      .fetch<object>('payment', { method: 'GET', path: `/internal/payments/${encodeURIComponent(id)}` })
      .then((answer) => answer.data)
      .catch(() => null); // no payment yet (or payment-svc unreachable): the booking and its trail still answer
    return success({ ...booking.data, audit: audit.data, paymentRecord: payment });
  }

  /** Forces a status, with a required reason (audited as admin_override). */
  @Post(':id/override')
  @HttpCode(200)
  @ApiMutation()
  @ApiData(200, 'Booking', 'The booking in its new status')
  @ApiFailures(404, 409)
  override(@Param('id') id: string, @Body() body: OverrideRequest, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'booking', { method: 'POST', path: `/internal/bookings/${encodeURIComponent(id)}/override`, body, idempotencyKey: key });
  }

  /** Clears the needsAdmin flag once the admin has dealt with it, with a note of what they did (audited as admin_acknowledged). */
  @Post(':id/acknowledge')
  @HttpCode(200)
  @ApiMutation()
  @ApiData(200, 'Booking', 'The booking without its flag')
  @ApiFailures(404, 409)
  acknowledge(@Param('id') id: string, @Body() body: AcknowledgeRequest, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'booking', {
      method: 'POST',
      path: `/internal/bookings/${encodeURIComponent(id)}/acknowledge`,
      body,
      idempotencyKey: key,
    });
  }

  /** Refunds part or all of what remains captured (payment-svc owns the money; above it: 422 REFUND_EXCEEDS_CAPTURED; while disputed: 409 PAYMENT_DISPUTED; refused by Stripe: 422 REFUND_REFUSED). */
  @Post(':id/refund')
  @ApiMutation()
  @ApiData(201, 'Payment', 'The payment after the refund')
  @ApiFailures(404, 409)
  refund(@Param('id') id: string, @Body() body: AdminRefundRequest, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'payment', { method: 'POST', path: `/internal/payments/${encodeURIComponent(id)}/refunds`, body, idempotencyKey: key });
  }
}
