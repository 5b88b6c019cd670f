import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Res, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CardChoiceRequest } from '@bp/contracts';
import { IdempotencyKey } from '@bp/platform';
import { JwtAuthGuard, Roles } from '../auth/jwt-auth.guard.js';
import { ApiData, ApiFailures, ApiMutation, ApiPublicRoute } from '../openapi/api-docs.decorators.js';
import { Upstreams } from '../upstream/upstreams.js';

/** The calling patient's saved cards (payment-svc owns them with the patient's Stripe Customer). */
@Controller('api/payments/cards')
@UseGuards(JwtAuthGuard)
@Roles('patient')
@ApiTags('payments')
@ApiPublicRoute()
@ApiFailures(403)
export class SavedCardsController {
  constructor(private readonly upstreams: Upstreams) {}

  /** Starts saving a card: a SetupIntent's `clientSecret` for the app's Stripe SDK (which collects the card and confirms it). */
  @Post('setup-intent')
  @HttpCode(201)
  @ApiMutation()
  @ApiData(201, 'CardSetup', 'The SetupIntent client secret and the patient’s Stripe customer')
  startSaving(@IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'payment', { method: 'POST', path: '/internal/cards/setup-intents', idempotencyKey: key });
  }

  /** The patient's cards, newest first, with the default marked. */
  @Get()
  @ApiData(200, 'SavedCards', 'Brand, last four digits, expiry and whether it is the default')
  list(@Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'payment', { method: 'GET', path: '/internal/cards' });
  }

  /** Chooses the card bookings use when they name none. */
  @Put('default')
  @ApiMutation()
  @ApiData(200, 'SavedCards', 'The patient’s cards with the new default')
  @ApiFailures(404)
  setDefault(@Body() body: CardChoiceRequest, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'payment', { method: 'PUT', path: '/internal/cards/default', body, idempotencyKey: key });
  }

  /** Removes a card (detached from the patient's customer at Stripe). */
  @Delete(':paymentMethodId')
  @ApiMutation()
  @ApiData(200, 'SavedCards', 'The patient’s remaining cards')
  @ApiFailures(404)
  remove(@Param('paymentMethodId') paymentMethodId: string, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'payment', { method: 'DELETE', path: `/internal/cards/${encodeURIComponent(paymentMethodId)}`, idempotencyKey: key });
  }
}
