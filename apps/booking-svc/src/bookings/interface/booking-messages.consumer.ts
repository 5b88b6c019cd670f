import { Controller, Logger } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  type CalendarConnectionChanged,
  type ExpireBookingDeadline,
  type PaymentActionRequired,
  type PaymentCaptured,
  type PaymentDisputeClosed,
  type PaymentDisputed,
  type PaymentFailed,
  type PaymentHoldExpiring,
  type PaymentHoldPlaced,
  type PaymentHoldReleased,
  type PaymentRefunded,
  Topics,
} from '@bp/contracts';
import { type InboundMessage, OnMessage } from '@bp/messaging';
import { BookingError, BookingErrorCode } from '../../shared/domain/booking-error.js';
import { BookingActions } from '../application/booking-actions.js';

/** Outcomes that mean "this message no longer applies" (a deadline after an answer, a replay after a move on). */
const STALE: readonly BookingErrorCode[] = [BookingErrorCode.InvalidTransition, BookingErrorCode.BookingExpired];

@Controller()
export class BookingMessagesConsumer {
  private readonly logger = new Logger(BookingMessagesConsumer.name);

  constructor(private readonly actions: BookingActions) {}

  @OnMessage(Topics.paymentEvents, 'PaymentHoldPlaced')
  onHoldPlaced(@Payload() message: InboundMessage<PaymentHoldPlaced>) {
    return this.unlessStale(message, () => this.actions.holdPlaced(message.payload.bookingId, message.payload.paymentIntentId));
  }

  @OnMessage(Topics.paymentEvents, 'PaymentActionRequired')
  onActionRequired(@Payload() message: InboundMessage<PaymentActionRequired>) {
    const { bookingId, paymentIntentId, clientSecret } = message.payload;
    return this.unlessStale(message, () => this.actions.actionRequired(bookingId, { paymentIntentId, clientSecret }));
  }

  @OnMessage(Topics.paymentEvents, 'PaymentCaptured')
  onCaptured(@Payload() message: InboundMessage<PaymentCaptured>) {
    const { bookingId, amountCents, paymentIntentId } = message.payload;
    return this.unlessStale(message, () => this.actions.captured(bookingId, amountCents, paymentIntentId));
  }

  @OnMessage(Topics.paymentEvents, 'PaymentFailed')
  onPaymentFailed(@Payload() message: InboundMessage<PaymentFailed>) {
    return this.unlessStale(message, () => this.actions.paymentFailed(message.payload.bookingId, message.payload.stage, message.payload.reason));
  }

  @OnMessage(Topics.paymentEvents, 'PaymentRefunded')
  onRefunded(@Payload() message: InboundMessage<PaymentRefunded>) {
    const { bookingId, refundId: _refundId, ...refund } = message.payload;
    return this.unlessStale(message, () => this.actions.refunded(bookingId, refund));
  }

  @OnMessage(Topics.paymentEvents, 'PaymentHoldReleased')
  onHoldReleased(@Payload() message: InboundMessage<PaymentHoldReleased>) {
    return this.unlessStale(message, () => this.actions.holdReleased(message.payload.bookingId, message.payload.reason));
  }

  @OnMessage(Topics.paymentEvents, 'PaymentHoldExpiring')
  onHoldExpiring(@Payload() message: InboundMessage<PaymentHoldExpiring>) {
    return this.unlessStale(message, () => this.actions.holdExpiring(message.payload.bookingId, new Date(message.payload.expiresAt)));
  }

  @OnMessage(Topics.paymentEvents, 'PaymentDisputed')
  onDisputed(@Payload() message: InboundMessage<PaymentDisputed>) {
    const { bookingId, ...dispute } = message.payload;
    return this.unlessStale(message, () => this.actions.disputeOpened(bookingId, dispute));
  }

  @OnMessage(Topics.paymentEvents, 'PaymentDisputeClosed')
  onDisputeClosed(@Payload() message: InboundMessage<PaymentDisputeClosed>) {
    const { bookingId, ...dispute } = message.payload;
    return this.unlessStale(message, () => this.actions.disputeClosed(bookingId, dispute));
  }

  @OnMessage(Topics.bookingCommands, 'ExpireBookingDeadline')
  onDeadline(@Payload() message: InboundMessage<ExpireBookingDeadline>) {
    return this.unlessStale(message, () => this.actions.expire(message.payload.bookingId, message.payload.deadline));
  }

  @OnMessage(Topics.calendarEvents, 'CalendarConnectionChanged')
  onCalendarConnection(@Payload() message: InboundMessage<CalendarConnectionChanged>) {
    return this.actions.calendarConnectionChanged(message.payload.providerId, message.payload.connected);
  }

  private async unlessStale(message: InboundMessage, handle: () => Promise<unknown>): Promise<void> {
    try {
      await handle();
    } catch (error) {
      if (error instanceof BookingError && STALE.includes(error.code)) {
        this.logger.log({ message: 'message no longer applies', type: message.type, eventId: message.eventId, reason: error.message });
        return;
      }
      throw error;
    }
  }
}
