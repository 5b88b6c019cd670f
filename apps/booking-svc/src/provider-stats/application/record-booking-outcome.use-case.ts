import { Injectable, Logger } from '@nestjs/common';
import { type BookingEventFacts, type ConfirmationTimes, applyBookingOutcome, bookingOutcomes, trustScore } from '../domain/provider-stats.js';
import { ProviderStatsStore } from '../infrastructure/provider-stats.store.js';

/** One booking event as the stats see it: its facts, the answer's times when it carries them, its id and time. */
export interface BookingEventForStats {
  providerId: string;
  bookingId: string;
  facts: BookingEventFacts;
  times: ConfirmationTimes;
  eventId: string;
  occurredAt: Date;
}

/**
 * Folds one booking event into its provider's stats and trust score. The event carries everything
 * needed (the answer's times included), so nothing is read but the stats themselves; an event
 * already folded in is not counted again (the stats remember the ids they counted, so a crash
 * between the write and the inbox record does not count it twice either).
 */
@Injectable()
export class RecordBookingOutcomeUseCase {
  private readonly logger = new Logger(RecordBookingOutcomeUseCase.name);

  constructor(private readonly stats: ProviderStatsStore) {}

  /** True when the event changed the stats (false: nothing in it counts, it was counted before, or no such provider). */
  async execute(event: BookingEventForStats): Promise<boolean> {
    const outcomes = bookingOutcomes(event.facts, event.times);
    if (outcomes.length === 0) return false;
    const now = event.occurredAt;
    const result = await this.stats.record(
      event.providerId,
      (stats, account) => {
        const next = outcomes.reduce((current, outcome) => applyBookingOutcome(current, outcome, now), stats);
        // Reviews live outside booking-svc: the review factor stays neutral until they are fed in.
        return { stats: next, trustScore: trustScore(next, account.createdAt, undefined, now) };
      },
      { eventId: event.eventId },
    );
    if (result.outcome === 'not_found') {
      this.logger.warn({
        message: 'booking event for an unknown provider; stats not recorded',
        providerId: event.providerId,
        bookingId: event.bookingId,
        eventId: event.eventId,
      });
    }
    return result.outcome === 'recorded';
  }
}
