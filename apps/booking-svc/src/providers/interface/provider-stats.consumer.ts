import { Controller, Logger } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type BookingStatusChanged, Topics } from '@bp/contracts';
import { type InboundMessage, OnMessage } from '@bp/messaging';
import { BookingRepository } from '../../bookings/infrastructure/booking.repository.js';
import { applyBookingOutcome, bookingOutcomes, needsResponseTime, trustScore } from '../domain/provider-stats.js';
import { ProviderRepository } from '../infrastructure/provider.repository.js';

/**
 * Keeps each provider's booking stats and trust score up to date from booking-svc's own
 * BookingStatusChanged events. The transport's inbox makes a redelivery a no-op; the provider
 * remembers the events it counted as well, so a crash between the write and the inbox record does
 * not count an event twice either.
 */
@Controller()
export class ProviderStatsConsumer {
  private readonly logger = new Logger(ProviderStatsConsumer.name);

  constructor(
    private readonly bookings: BookingRepository,
    private readonly providers: ProviderRepository,
  ) {}

  @OnMessage(Topics.bookingEvents, 'BookingStatusChanged')
  async onBookingStatusChanged(@Payload() message: InboundMessage<BookingStatusChanged>): Promise<void> {
    const event = message.payload;
    // Response times come from the booking itself: the event carries no confirmation times.
    const booking = needsResponseTime(event) ? await this.bookings.findById(event.bookingId) : null;
    const outcomes = bookingOutcomes(event, booking?.confirmation);
    if (outcomes.length === 0) return;

    const occurredAt = new Date(message.occurredAt);
    const now = Number.isNaN(occurredAt.getTime()) ? new Date() : occurredAt;
    const result = await this.providers.recordOutcome(
      event.providerId,
      (stats, account) => {
        const next = outcomes.reduce((current, outcome) => applyBookingOutcome(current, outcome, now), stats);
        // Reviews live outside booking-svc: the review factor stays neutral until they are fed in.
        return { stats: next, trustScore: trustScore(next, account.createdAt, undefined, now) };
      },
      { eventId: message.eventId },
    );
    if (result.outcome === 'not_found') {
      this.logger.warn({
        message: 'booking event for an unknown provider; stats not recorded',
        providerId: event.providerId,
        bookingId: event.bookingId,
        eventId: message.eventId,
      });
    }
  }
}
