import { Body, Controller, Get, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AdminBookingListRequest, AdminRefundRequest, type BookingHealthView } from '@bp/contracts';
import { IdempotencyKey, success } from '@bp/platform';
import { JwtAuthGuard, Roles } from '../auth/jwt-auth.guard.js';
import { BookingActionRoutes } from '../bookings/booking-action-routes.js';
import { ApiData, ApiFailures, ApiMutation, ApiPublicRoute, ApiQueryFrom } from '../openapi/api-docs.decorators.js';
import { Upstreams } from '../upstream/upstreams.js';
import { ALERT_THRESHOLDS, criticalAlerts } from './booking-health.js';
import { BookingHealthSources } from './booking-health.sources.js';

/**
 * The spec's admin routes: every booking, its audit trail and payment, refunds; and the admin actions
 * of the booking action catalog (@bp/contracts BOOKING_ACTIONS): POST :id/override (a status forced,
 * with a reason, audited as admin_override) and POST :id/acknowledge (the needsAdmin flag cleared with a
 * note of what the admin did, audited as admin_acknowledged).
 */
@Controller('api/admin/bookings')
@UseGuards(JwtAuthGuard)
@Roles('admin')
@ApiTags('admin')
@ApiPublicRoute()
@ApiFailures(403)
@BookingActionRoutes('admin')
export class AdminBookingsController {
  constructor(
    readonly upstreams: Upstreams,
    private readonly healthSources: BookingHealthSources,
  ) {}

  /** Filters: status (repeatable), type, providerId, patientId, from/to (appointment start); cursor pagination. */
  @Get()
  @ApiQueryFrom(AdminBookingListRequest)
  @ApiData(200, 'BookingPage', 'Bookings matching the filters, newest first')
  @ApiFailures(422)
  list(@Query() query: AdminBookingListRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'booking', { method: 'GET', path: '/internal/bookings', query: { ...query } });
  }

  /** The spec's booking health dashboard: waiting and expiring requests, holds by amount and age, the provider leaderboard, critical alerts. */
  @Get('health')
  @ApiData(200, 'BookingHealth', 'Booking health metrics')
  async health() {
    const [bookings, payments] = await Promise.all([this.healthSources.bookings(), this.healthSources.payments()]);
    return success<BookingHealthView>({
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

  /** Refunds part or all of what remains captured (payment-svc owns the money; above it: 422 REFUND_EXCEEDS_CAPTURED; while disputed: 409 PAYMENT_DISPUTED; refused by Stripe: 422 REFUND_REFUSED). */
  @Post(':id/refund')
  @ApiMutation()
  @ApiData(201, 'Payment', 'The payment after the refund')
  @ApiFailures(404, 409)
  refund(@Param('id') id: string, @Body() body: AdminRefundRequest, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'payment', { method: 'POST', path: `/internal/payments/${encodeURIComponent(id)}/refunds`, body, idempotencyKey: key });
  }
}
