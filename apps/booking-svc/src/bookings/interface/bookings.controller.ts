import { Body, Controller, Get, HttpCode, Param, Post, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { type Actor, IdempotencyKey, IdempotencyStore, InternalActor, InternalAuthGuard, success } from '@bp/platform';
import { BookingErrorFilter } from '../../shared/interface/booking-error.filter.js';
import { BookingCommands } from '../application/booking-commands.js';
import { BookingActions } from '../application/booking-actions.js';
import type { Booking } from '../domain/booking.js';
import { AcknowledgeRequest, InternalCreateBookingRequest, OverrideRequest, RetryPaymentRequest, ReasonRequest, RescheduleRequest } from '@bp/contracts';
import { bookingView } from './booking.view.js';
import { Intake } from '../../shared/interface/intake.js';

@Controller('internal/bookings')
@UseGuards(InternalAuthGuard)
@UseFilters(BookingErrorFilter)
export class BookingsController {
  constructor(
    private readonly commands: BookingCommands,
    private readonly actions: BookingActions,
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

  @Post(':id/confirm')
  @HttpCode(200)
  confirm(@Param('id') id: string, @InternalActor() actor: Actor, @IdempotencyKey() key: string) {
    return this.act('confirm', id, actor, key, {}, (b, a) => this.actions.confirm(b, a));
  }

  @Post(':id/decline')
  @HttpCode(200)
  decline(@Param('id') id: string, @Body() body: ReasonRequest, @InternalActor() actor: Actor, @IdempotencyKey() key: string) {
    return this.act('decline', id, actor, key, body, (b, a) => this.actions.decline(b, a, body.reason));
  }

  @Post(':id/reschedule')
  @HttpCode(200)
  reschedule(@Param('id') id: string, @Body() body: RescheduleRequest, @InternalActor() actor: Actor, @IdempotencyKey() key: string) {
    return this.act('reschedule', id, actor, key, body, (b, a) => this.actions.proposeReschedule(b, a, new Date(body.startTime), body.message));
  }

  @Post(':id/accept-reschedule')
  @HttpCode(200)
  acceptReschedule(@Param('id') id: string, @InternalActor() actor: Actor, @IdempotencyKey() key: string) {
    return this.act('accept-reschedule', id, actor, key, {}, (b, a) => this.actions.acceptReschedule(b, a));
  }

  @Post(':id/decline-reschedule')
  @HttpCode(200)
  declineReschedule(@Param('id') id: string, @InternalActor() actor: Actor, @IdempotencyKey() key: string) {
    return this.act('decline-reschedule', id, actor, key, {}, (b, a) => this.actions.declineReschedule(b, a));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@Param('id') id: string, @Body() body: ReasonRequest, @InternalActor() actor: Actor, @IdempotencyKey() key: string) {
    return this.act('cancel', id, actor, key, body, (b, a) => this.actions.cancel(b, a, body.reason));
  }

  @Post(':id/retry-payment')
  @HttpCode(200)
  retryPayment(@Param('id') id: string, @Body() body: RetryPaymentRequest, @InternalActor() actor: Actor, @IdempotencyKey() key: string) {
    return this.act('retry-payment', id, actor, key, body ?? {}, (b, a) => this.actions.retryPayment(b, a, body?.paymentMethodId));
  }

  @Post(':id/check-in')
  @HttpCode(200)
  checkIn(@Param('id') id: string, @InternalActor() actor: Actor, @IdempotencyKey() key: string) {
    return this.act('check-in', id, actor, key, {}, (b, a) => this.actions.checkIn(b, a));
  }

  @Post(':id/start')
  @HttpCode(200)
  start(@Param('id') id: string, @InternalActor() actor: Actor, @IdempotencyKey() key: string) {
    return this.act('start', id, actor, key, {}, (b, a) => this.actions.start(b, a));
  }

  @Post(':id/complete')
  @HttpCode(200)
  complete(@Param('id') id: string, @InternalActor() actor: Actor, @IdempotencyKey() key: string) {
    return this.act('complete', id, actor, key, {}, (b, a) => this.actions.complete(b, a));
  }

  @Post(':id/no-show')
  @HttpCode(200)
  noShow(@Param('id') id: string, @InternalActor() actor: Actor, @IdempotencyKey() key: string) {
    return this.act('no-show', id, actor, key, {}, (b, a) => this.actions.noShow(b, a));
  }

  @Post(':id/override')
  @HttpCode(200)
  override(@Param('id') id: string, @Body() body: OverrideRequest, @InternalActor() actor: Actor, @IdempotencyKey() key: string) {
    return this.act('override', id, actor, key, body, (b, a) => this.actions.override(b, a, body.status, body.reason));
  }

  /** An admin has dealt with what the booking was flagged for (needsAdmin): the flag goes, audited. */
  @Post(':id/acknowledge')
  @HttpCode(200)
  acknowledge(@Param('id') id: string, @Body() body: AcknowledgeRequest, @InternalActor() actor: Actor, @IdempotencyKey() key: string) {
    return this.act('acknowledge', id, actor, key, body, (b, a) => this.actions.acknowledge(b, a, body.note));
  }

  private async act(
    operation: string,
    bookingId: string,
    actor: Actor,
    key: string,
    body: object,
    action: (bookingId: string, actor: Actor) => Promise<Booking>,
  ) {
    const result = await this.idempotency.run({ actor, operation: `${operation}:${bookingId}`, key }, body, async () => ({
      status: 200,
      body: success(bookingView(await action(bookingId, actor), actor)),
    }));
    return result.body;
  }
}
