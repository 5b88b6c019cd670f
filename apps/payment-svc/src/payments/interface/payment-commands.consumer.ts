import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type CapturePayment, type PlacePaymentHold, type RefundPayment, type ReleasePaymentHold, Topics } from '@bp/contracts';
import { type InboundMessage, OnMessage } from '@bp/messaging';
import { PaymentCommands } from '../application/payment-commands.js';

/** booking-svc's payment commands. Errors are retried, then dead-lettered with the error for an admin. */
@Controller()
export class PaymentCommandsConsumer {
  constructor(private readonly payments: PaymentCommands) {}

  @OnMessage(Topics.paymentCommands, 'PlacePaymentHold')
  onPlaceHold(@Payload() message: InboundMessage<PlacePaymentHold>) {
    return this.payments.placeHold(message.payload);
  }

  @OnMessage(Topics.paymentCommands, 'CapturePayment')
  onCapture(@Payload() message: InboundMessage<CapturePayment>) {
    return this.payments.capture(message.payload);
  }

  @OnMessage(Topics.paymentCommands, 'ReleasePaymentHold')
  onRelease(@Payload() message: InboundMessage<ReleasePaymentHold>) {
    return this.payments.release(message.payload);
  }

  @OnMessage(Topics.paymentCommands, 'RefundPayment')
  onRefund(@Payload() message: InboundMessage<RefundPayment>) {
    return this.payments.refund(message.payload, message.eventId);
  }
}
