import type { ParkedStripeEventsView } from '@bp/contracts';
import { Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { type Actor, ApiError, InternalActor, InternalAuthGuard, success } from '@bp/platform';
import { StripeEventProcessor } from '../application/stripe-event.processor.js';
import { StripeEventStore } from '../infrastructure/stripe-event.store.js';

function requireAdmin(actor: Actor): void {
  if (actor.type !== 'admin') throw new ApiError(403, 'FORBIDDEN', 'Only an admin may do this');
}

/** Stripe events whose processing kept failing (parked), for an admin to inspect and put back in line once fixed. */
@Controller('internal/stripe-events')
@UseGuards(InternalAuthGuard)
export class StripeEventsController {
  constructor(
    private readonly store: StripeEventStore,
    private readonly processor: StripeEventProcessor,
  ) {}

  @Get('parked')
  async parked(@InternalActor() actor: Actor) {
    requireAdmin(actor);
    const events = await this.store.parkedEvents();
    return success<ParkedStripeEventsView>(
      events.map(({ _id, type, created, receivedAt, attempts, lastError }) => ({ id: _id, type, created, receivedAt, attempts, lastError })),
    );
  }

  @Post(':id/redrive')
  @HttpCode(200)
  async redrive(@InternalActor() actor: Actor, @Param('id') id: string) {
    requireAdmin(actor);
    if (!(await this.store.redrive(id))) throw new ApiError(404, 'EVENT_NOT_PARKED', 'No parked Stripe event with this id');
    this.processor.processSoon();
    return success({ id, redriven: true });
  }
}
