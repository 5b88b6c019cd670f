import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import Stripe from 'stripe';
import { failure, replyWithDomainError } from '@bp/platform';
import { PaymentError, PaymentErrorCode } from '../domain/payment-error.js';
import { PaymentVersionConflict } from '../infrastructure/payment.repository.js';

const STATUS: Record<PaymentErrorCode, number> = {
  [PaymentErrorCode.InvalidPaymentTransition]: 409,
  [PaymentErrorCode.RefundExceedsCaptured]: 422,
  [PaymentErrorCode.CaptureExceedsHold]: 422,
  [PaymentErrorCode.ValidationFailed]: 422,
  [PaymentErrorCode.PaymentNotFound]: 404,
  [PaymentErrorCode.RefundInProgress]: 409,
  [PaymentErrorCode.PaymentDisputed]: 409,
  [PaymentErrorCode.RefundRefused]: 422,
  [PaymentErrorCode.CardNotFound]: 404,
};

/** payment-svc's errors in the spec's envelope: rules (PaymentError), lost races, and Stripe refusing or failing. */
@Catch(PaymentError, PaymentVersionConflict, Stripe.errors.StripeError)
export class PaymentErrorFilter implements ExceptionFilter {
  catch(error: PaymentError | PaymentVersionConflict | Stripe.errors.StripeError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (error instanceof PaymentError) {
      replyWithDomainError(reply, error, STATUS[error.code]);
    } else if (error instanceof PaymentVersionConflict) {
      void reply.status(409).send(failure('CONCURRENT_UPDATE', 'The payment changed meanwhile; retry the request'));
    } else {
      // Stripe's own message names the problem without secrets; its request id lets support trace it.
      void reply
        .status(502)
        .send(failure('PAYMENT_PROVIDER_ERROR', `Stripe could not complete the request: ${error.message}`, { stripeRequestId: error.requestId }));
    }
  }
}
