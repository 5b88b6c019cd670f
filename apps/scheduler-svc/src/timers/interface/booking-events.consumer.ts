import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type SlotReserved, Topics } from '@bp/contracts';
import { type InboundMessage, OnMessage } from '@bp/messaging';
import { ScheduleTimerUseCase } from '../application/schedule-timer/schedule-timer.use-case.js';

@Controller()
export class BookingEventsConsumer {
  constructor(private readonly scheduleTimer: ScheduleTimerUseCase) {}

  @OnMessage(Topics.bookingEvents, 'SlotReserved')
  onSlotReserved(@Payload() message: InboundMessage<SlotReserved>) {
    return this.scheduleTimer.execute({
      kind: 'reservation-expiry',
      subjectId: message.payload.reservationId,
      dueAt: new Date(message.payload.expiresAt),
      sourceEventId: message.eventId,
    });
  }
}
