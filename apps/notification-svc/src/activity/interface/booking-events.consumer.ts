import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type SlotReserved, Topics } from '@bp/contracts';
import { type InboundMessage, OnMessage } from '@bp/messaging';
import { RecordActivityUseCase } from '../application/record-activity/record-activity.use-case.js';

@Controller()
export class BookingEventsConsumer {
  constructor(private readonly recordActivity: RecordActivityUseCase) {}

  @OnMessage(Topics.bookingEvents, 'SlotReserved')
  onSlotReserved(@Payload() message: InboundMessage<SlotReserved>) {
    return this.recordActivity.execute({
      eventId: message.eventId,
      kind: 'slot_reserved',
      subjectId: message.payload.reservationId,
      occurredAt: new Date(message.occurredAt),
      recipients: [{ id: message.payload.patientId, role: 'patient' }],
    });
  }
}
