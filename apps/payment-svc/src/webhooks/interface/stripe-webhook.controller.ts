import { Controller, Headers, HttpCode, Post, type RawBodyRequest, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiError, success } from '@bp/platform';
import { PaymentConfig } from '../../config/payment.config.js';
import { StripeGateway } from '../../payments/infrastructure/stripe-gateway.js';
import { StripeEventProcessor } from '../application/stripe-event.processor.js';
import { StripeEventStore } from '../infrastructure/stripe-event.store.js';

/**
 * Stripe's webhook: public, authenticated by the Stripe-Signature over the raw body (at most five
 * minutes old). The event is stored by id and answered at once; processing happens afterwards.
 */
@Controller('webhooks')
export class StripeWebhookController {
  constructor(
    private readonly stripe: StripeGateway,
    private readonly store: StripeEventStore,
    private readonly processor: StripeEventProcessor,
    private readonly config: PaymentConfig,
  ) {}

  @Post('stripe')
  @HttpCode(200)
  async receive(@Req() request: RawBodyRequest<FastifyRequest>, @Headers('stripe-signature') signature: string | undefined) {
    if (!signature || !request.rawBody) throw new ApiError(400, 'WEBHOOK_SIGNATURE_MISSING', 'Stripe-Signature header and a body are required');
    let event;
    try {
      event = this.stripe.verifyWebhook(request.rawBody, signature, this.config.STRIPE_WEBHOOK_SECRET);
    } catch {
      throw new ApiError(400, 'WEBHOOK_SIGNATURE_INVALID', 'The Stripe-Signature does not verify (wrong secret, altered body or older than five minutes)');
    }
    const fresh = await this.store.add({
      _id: event.id,
      type: event.type,
      created: new Date(event.created * 1000),
      object: event.data.object as unknown as Record<string, unknown>,
      receivedAt: new Date(),
    });
    if (fresh) this.processor.processSoon();
    return success({ received: true, duplicate: !fresh });
  }
}
