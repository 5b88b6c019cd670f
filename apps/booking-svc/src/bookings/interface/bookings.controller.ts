import { Body, Controller, Get, Param, Post, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { type Actor, IdempotencyKey, IdempotencyStore, InternalActor, InternalAuthGuard, success } from '@bp/platform';
import { BookingErrorFilter } from '../../shared/interface/booking-error.filter.js';
import { BookingCommands } from '../application/booking-commands.js';
import { InternalCreateBookingRequest } from '@bp/contracts';
import { bookingView } from './booking.view.js';
import { Intake } from '../../shared/interface/intake.js';

/** Creating a booking and reading it; what callers do to it afterwards is in booking-actions.controller.ts (the action catalog). */
@Controller('internal/bookings')
@UseGuards(InternalAuthGuard)
@UseFilters(BookingErrorFilter)
export class BookingsController {
  constructor(
    private readonly commands: BookingCommands,
    private readonly idempotency: IdempotencyStore,
    private readonly intake: Intake,
  ) {}

  @Post()
  async create(
    @Body() body: InternalCreateBookingRequest,
    @InternalActor() actor: Actor,
    @IdempotencyKey() key: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.idempotency.run({ actor, operation: 'create-booking', key }, body, async () => {
      await this.intake.assertBookingsEnabled();
      const { booking, created } = await this.commands.create(body, this.commands.context(actor));
      return { status: created ? 201 : 200, body: success(bookingView(booking, actor)) };
    });
    void reply.status(result.status);
    return result.body;
  }

  @Get(':id')
  async get(@Param('id') id: string, @InternalActor() actor: Actor) {
    return success(bookingView(await this.commands.get(id, actor), actor));
  }

  /** The audit trail, oldest first. */
  @Get(':id/events')
  async events(@Param('id') id: string, @InternalActor() actor: Actor) {
    return success(await this.commands.auditTrail(id, actor));
  }
}
