import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { IdempotencyKey, InternalHttpClient, success } from '@bp/platform';
import { JwtAuthGuard, Roles } from '../auth/jwt-auth.guard.js';
import { GatewayConfig } from '../config/gateway.config.js';
import { ReserveSlotBody } from './reserve-slot.body.js';

@Controller('api/bookings')
@UseGuards(JwtAuthGuard)
export class BookingsController {
  constructor(
    private readonly internal: InternalHttpClient,
    private readonly config: GatewayConfig,
  ) {}

  /** Holds a slot during checkout (booking-svc owns the reservation). */
  @Post('reserve-slot')
  @Roles('patient')
  @HttpCode(201)
  async reserveSlot(@Body() body: ReserveSlotBody, @IdempotencyKey() idempotencyKey: string) {
    const reservation = await this.internal.call({
      method: 'POST',
      baseUrl: this.config.BOOKING_SVC_URL,
      path: '/internal/reservations',
      body,
      idempotencyKey,
    });
    return success(reservation);
  }
}
