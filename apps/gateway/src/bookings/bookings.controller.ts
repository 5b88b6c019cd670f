import { Body, Controller, Get, Headers, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { FeatureFlags } from '@bp/messaging';
import { ApiError, IdempotencyKey } from '@bp/platform';
import { JwtAuthGuard, Roles } from '../auth/jwt-auth.guard.js';
import { Upstreams } from '../upstream/upstreams.js';
import { pageWithLocalTimes, withLocalTimes } from './local-times.js';

/** The spec's booking routes for patients and providers; booking-svc owns the bookings and checks who may see which. */
@Controller('api/bookings')
@UseGuards(JwtAuthGuard)
export class BookingsController {
  constructor(
    private readonly upstreams: Upstreams,
    private readonly flags: FeatureFlags,
  ) {}

  /** Holds a slot during checkout. */
  @Post('reserve-slot')
  @Roles('patient')
  async reserveSlot(@Body() body: unknown, @IdempotencyKey() idempotencyKey: string, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.assertBookingsEnabled();
    return this.upstreams.relay(reply, 'booking', { method: 'POST', path: '/internal/reservations', body, idempotencyKey });
  }

  /** Creates the booking from the patient's reservation (instant or request, by the provider's mode). */
  @Post()
  @Roles('patient')
  async create(
    @Body() body: unknown,
    @IdempotencyKey() idempotencyKey: string,
    @Headers('x-timezone') zone: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    await this.assertBookingsEnabled();
    return this.upstreams.relay(reply, 'booking', { method: 'POST', path: '/internal/bookings', body, idempotencyKey }, (b) => withLocalTimes(b, zone));
  }

  @Get('patient')
  @Roles('patient')
  listForPatient(@Query() query: Record<string, unknown>, @Headers('x-timezone') zone: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'booking', { method: 'GET', path: '/internal/bookings/mine', query }, (page: { items: unknown[] }) =>
      pageWithLocalTimes(page, zone),
    );
  }

  @Get('provider')
  @Roles('provider')
  listForProvider(@Query() query: Record<string, unknown>, @Headers('x-timezone') zone: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'booking', { method: 'GET', path: '/internal/bookings/mine', query }, (page: { items: unknown[] }) =>
      pageWithLocalTimes(page, zone),
    );
  }

  @Get('provider/pending')
  @Roles('provider')
  pending(@Headers('x-timezone') zone: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'booking', { method: 'GET', path: '/internal/bookings/pending' }, (items: unknown[]) =>
      items.map((b) => withLocalTimes(b, zone)),
    );
  }

  /** One booking: its patient, its provider, or an admin; anyone else gets 404. */
  @Get(':id')
  get(@Param('id') id: string, @Headers('x-timezone') zone: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'booking', { method: 'GET', path: `/internal/bookings/${encodeURIComponent(id)}` }, (b) => withLocalTimes(b, zone));
  }

  private async assertBookingsEnabled(): Promise<void> {
    if (await this.flags.isEnabled('booking.disable_all_bookings'))
      throw new ApiError(503, 'BOOKINGS_DISABLED', 'New bookings are paused for the moment; please try again later');
  }
}
