import { Body, Controller, Get, Headers, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiTags } from '@nestjs/swagger';
import { BookingListRequest, CreateBookingRequest, ReserveSlotRequest } from '@bp/contracts';
import { IdempotencyKey } from '@bp/platform';
import { type AuthenticatedRequest, JwtAuthGuard, Roles } from '../auth/jwt-auth.guard.js';
import { ApiData, ApiFailures, ApiMutation, ApiPublicRoute, ApiQueryFrom } from '../openapi/api-docs.decorators.js';
import { Upstreams } from '../upstream/upstreams.js';
import { pageWithLocalTimes, withLocalTimes } from './local-times.js';

/** The spec's booking routes for patients and providers; booking-svc owns the bookings and checks who may see which. */
@Controller('api/bookings')
@UseGuards(JwtAuthGuard)
@ApiTags('bookings')
@ApiPublicRoute()
export class BookingsController {
  constructor(private readonly upstreams: Upstreams) {}

  /** Holds a slot during checkout. */
  @Post('reserve-slot')
  @Roles('patient')
  @ApiMutation()
  @ApiData(201, 'Reservation', 'The slot is held for this patient for a few minutes')
  @ApiFailures(403, 404, 409)
  async reserveSlot(@Body() body: ReserveSlotRequest, @IdempotencyKey() idempotencyKey: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'booking', { method: 'POST', path: '/internal/reservations', body, idempotencyKey });
  }

  /** Creates the booking from the patient's reservation (instant or request, by the provider's mode). */
  @Post()
  @Roles('patient')
  @ApiMutation()
  @ApiData(201, 'Booking', 'The booking, pending payment (then confirmed or pending the provider’s confirmation)')
  @ApiFailures(403, 404, 409, 410)
  async create(
    @Body() body: CreateBookingRequest,
    @IdempotencyKey() idempotencyKey: string,
    @Headers('x-timezone') zone: string | undefined,
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    // The provider sees the patient's name as their identity provider states it, never as the client wrote it.
    const upstream = { ...body, ...(request.user.name ? { patientName: request.user.name } : {}) };
    return this.upstreams.relay(reply, 'booking', { method: 'POST', path: '/internal/bookings', body: upstream, idempotencyKey }, (b) =>
      withLocalTimes(b, zone),
    );
  }

  @Get('patient')
  @Roles('patient')
  @ApiQueryFrom(BookingListRequest)
  @ApiData(200, 'BookingPage', 'The patient’s bookings, newest first')
  @ApiFailures(403, 422)
  listForPatient(@Query() query: BookingListRequest, @Headers('x-timezone') zone: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'booking', { method: 'GET', path: '/internal/bookings/mine', query: { ...query } }, (page: { items: unknown[] }) =>
      pageWithLocalTimes(page, zone),
    );
  }

  @Get('provider')
  @Roles('provider')
  @ApiQueryFrom(BookingListRequest)
  @ApiData(200, 'BookingPage', 'The provider’s bookings, newest first')
  @ApiFailures(403, 422)
  listForProvider(@Query() query: BookingListRequest, @Headers('x-timezone') zone: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'booking', { method: 'GET', path: '/internal/bookings/mine', query: { ...query } }, (page: { items: unknown[] }) =>
      pageWithLocalTimes(page, zone),
    );
  }

  @Get('provider/pending')
  @Roles('provider')
  @ApiData(200, 'BookingList', 'Requests waiting for this provider’s answer, soonest deadline first')
  @ApiFailures(403)
  pending(@Headers('x-timezone') zone: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'booking', { method: 'GET', path: '/internal/bookings/pending' }, (items: unknown[]) =>
      items.map((b) => withLocalTimes(b, zone)),
    );
  }

  /** One booking: its patient, its provider, or an admin; anyone else gets 404. */
  @Get(':id')
  @ApiData(200, 'Booking', 'The booking')
  @ApiFailures(404)
  get(@Param('id') id: string, @Headers('x-timezone') zone: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'booking', { method: 'GET', path: `/internal/bookings/${encodeURIComponent(id)}` }, (b) => withLocalTimes(b, zone));
  }
}
