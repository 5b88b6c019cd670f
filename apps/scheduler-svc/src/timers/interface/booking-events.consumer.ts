import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type BookingStatusChanged, type SlotReserved, Topics } from '@bp/contracts';
import { type InboundMessage, OnMessage } from '@bp/messaging';
import { ScheduleTimerUseCase } from '../application/schedule-timer/schedule-timer.use-case.js';
import { deadlineTimersFor } from '../domain/timer.js';

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

  /** A booking's deadlines follow its status: set or moved while someone must answer, ended once nobody must. */
  @OnMessage(Topics.bookingEvents, 'BookingStatusChanged')
  async onStatusChanged(@Payload() message: InboundMessage<BookingStatusChanged>) {
    const { bookingId, status, deadline } = message.payload;
    const occurredAt = new Date(message.occurredAt);
    const plan = deadlineTimersFor(status, deadline ? new Date(deadline) : undefined);
    for (const kind of plan.cancel) await this.scheduleTimer.cancel(kind, bookingId, occurredAt);
    if (plan.schedule) await this.scheduleTimer.execute({ ...plan.schedule, subjectId: bookingId, sourceEventId: message.eventId, occurredAt });
  }
}
