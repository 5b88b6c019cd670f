import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CardChoiceRequest, type CardSetupView, type SavedCardsView } from '@bp/contracts';
import { type Actor, ApiError, IdempotencyKey, IdempotencyStore, InternalActor, InternalAuthGuard, success } from '@bp/platform';
import { SavedCards } from '../application/saved-cards.js';
import { PaymentErrorFilter } from './payment-error.filter.js';

function requirePatient(actor: Actor): string {
  if (actor.type !== 'patient') throw new ApiError(403, 'FORBIDDEN', 'Only a patient has saved cards');
  return actor.id;
}

/** The calling patient's saved cards (the gateway's /api/payments/cards routes forward here). */
@Controller('internal/cards')
@UseGuards(InternalAuthGuard)
@UseFilters(PaymentErrorFilter)
export class SavedCardsController {
  constructor(
    private readonly cards: SavedCards,
    private readonly idempotency: IdempotencyStore,
  ) {}

  /** Starts saving a card: the SetupIntent's client secret for the app's Stripe SDK. */
  @Post('setup-intents')
  async startSaving(@InternalActor() actor: Actor, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const patientId = requirePatient(actor);
    const result = await this.idempotency.run({ actor, operation: 'card-setup', key }, {}, async () => ({
      status: 201,
      body: success<CardSetupView>(await this.cards.startSaving(patientId, key)),
    }));
    void reply.status(result.status);
    return result.body;
  }

  @Get()
  async list(@InternalActor() actor: Actor) {
    return success<SavedCardsView>(await this.cards.list(requirePatient(actor)));
  }

  @Put('default')
  async setDefault(@InternalActor() actor: Actor, @Body() body: CardChoiceRequest) {
    const patientId = requirePatient(actor);
    await this.cards.setDefault(patientId, body.paymentMethodId);
    return success<SavedCardsView>(await this.cards.list(patientId));
  }

  @Delete(':paymentMethodId')
  @HttpCode(200)
  async remove(@InternalActor() actor: Actor, @Param('paymentMethodId') paymentMethodId: string) {
    const patientId = requirePatient(actor);
    await this.cards.remove(patientId, paymentMethodId);
    return success<SavedCardsView>(await this.cards.list(patientId));
  }
}
