import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type BookingStatusChanged, Topics } from '@bp/contracts';
import { type InboundMessage, OnMessage, UNCHANGED } from '@bp/messaging';
import { RecordBookingOutcomeUseCase } from '../application/record-booking-outcome.use-case.js';

const dateOf = (iso: string | undefined): Date | undefined => {
  const date = iso === undefined ? undefined : new Date(iso);
  return date && Number.isFinite(date.getTime()) ? date : undefined;
};

/** booking-svc's own BookingStatusChanged events, consumed back into the provider stats read model; one that counts for nothing changes nothing. */
@Controller()
export class BookingOutcomeConsumer {
  constructor(private readonly record: RecordBookingOutcomeUseCase) {}

  @OnMessage(Topics.bookingEvents, 'BookingStatusChanged')
  async onBookingStatusChanged(@Payload() message: InboundMessage<BookingStatusChanged>): Promise<typeof UNCHANGED | undefined> {
    const event = message.payload;
    const requestedAt = dateOf(event.requestedAt);
    const respondedAt = dateOf(event.respondedAt);
    const changed = await this.record.execute({
      providerId: event.providerId,
      bookingId: event.bookingId,
      facts: event,
      times: { ...(requestedAt ? { requestedAt } : {}), ...(respondedAt ? { respondedAt } : {}) },
      eventId: message.eventId,
      occurredAt: dateOf(message.occurredAt) ?? new Date(),
    });
    return changed ? undefined : UNCHANGED;
  }
}
