import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { counter, gauge, histogram } from '@bp/platform';
import type { BookingMode } from '../../providers/domain/booking-settings.js';
import type { Booking } from '../domain/booking.js';
import { BookingTallyQuery } from './booking-tally.query.js';
import { BookingRepository } from '../infrastructure/booking.repository.js';

const HOUR_S = 3600;
const BOOKING_TYPES: readonly BookingMode[] = ['instant', 'request'];
const RESPONSES = ['confirmed', 'declined', 'rescheduled'] as const;

/**
 * The spec's Key Metrics for bookings and slots, in Prometheus naming. Labels are bounded (booking
 * type, status, the provider's answer); ids never become labels. The slot conversion rate is not a
 * gauge here: it is the recording rule `booking:slot_conversion:ratio_rate1h`, converted / reserved.
 */
export const bookingMetrics = {
  requestCreated: () => counter('booking_request_created_total', 'Bookings created from a reservation, by booking type', ['booking_type']),
  requestConfirmed: () => counter('booking_request_confirmed_total', 'Bookings that reached confirmed, by booking type', ['booking_type']),
  requestExpired: () =>
    counter('booking_request_expired_total', 'Requests or reschedule proposals left unanswered until their deadline, by the status they expired from', [
      'from',
    ]),
  responseTime: () =>
    histogram(
      'booking_request_response_time_seconds',
      'Time from a request reaching the provider to the provider answering it, by answer',
      ['response'],
      [60, 300, 900, 1800, HOUR_S, 2 * HOUR_S, 4 * HOUR_S, 8 * HOUR_S, 12 * HOUR_S, 24 * HOUR_S, 48 * HOUR_S, 72 * HOUR_S],
    ),
  slotReserved: () => counter('booking_slot_reserved_total', 'Slot reservations made (a retry answered with the first one is not counted)'),
  slotConverted: () => counter('booking_slot_converted_total', 'Slot reservations converted into a booking'),
  holdsRepaired: () =>
    counter(
      'booking_holds_repaired_total',
      'Lapsed slot holds the cleanup kept for their booking: the booking was written, the steps after its write never ran',
    ),
  requestsPending: () => gauge('booking_requests_pending', 'Requests waiting for the provider to answer (the same value on every replica)'),
  requestsExpiringSoon: () =>
    gauge('booking_requests_expiring_soon', 'Requests waiting for the provider whose deadline is within 4 hours (the same value on every replica)'),
  needsAdmin: () => gauge('booking_needs_admin', 'Bookings flagged for an admin (needsAdmin) and not yet dealt with (the same value on every replica)'),
  needsAdminOldestAge: () =>
    gauge(
      'booking_needs_admin_oldest_age_seconds',
      'How long the longest-waiting booking flagged for an admin has waited, 0 when none (the same value on every replica)',
    ),
};

/** Registers every metric with its zero series, so they are scraped (and alertable) before the first event. */
export function declareBookingMetrics(): void {
  for (const type of BOOKING_TYPES) {
    bookingMetrics.requestCreated().inc({ booking_type: type }, 0);
    bookingMetrics.requestConfirmed().inc({ booking_type: type }, 0);
  }
  for (const from of ['pending_confirmation', 'reschedule_proposed'] as const) bookingMetrics.requestExpired().inc({ from }, 0);
  for (const response of RESPONSES) bookingMetrics.responseTime().zero({ response });
  bookingMetrics.slotReserved().inc(0);
  bookingMetrics.slotConverted().inc(0);
  bookingMetrics.holdsRepaired().inc(0);
  bookingMetrics.requestsPending().set(0);
  bookingMetrics.requestsExpiringSoon().set(0);
  bookingMetrics.needsAdmin().set(0);
  bookingMetrics.needsAdminOldestAge().set(0);
}

/** Counts a booking written for the first time (a reservation converted). */
export function countBookingCreated(booking: Booking): void {
  bookingMetrics.requestCreated().inc({ booking_type: booking.bookingType });
  bookingMetrics.slotConverted().inc();
}

/** Counts what one applied change did: reached confirmed, expired, or carried the provider's answer. */
export function countBookingChange(previous: Booking, next: Booking): void {
  if (next.status !== previous.status && next.status === 'confirmed') bookingMetrics.requestConfirmed().inc({ booking_type: next.bookingType });
  if (next.status !== previous.status && next.status === 'expired') bookingMetrics.requestExpired().inc({ from: previous.status });
  const answer = next.confirmation;
  if (!previous.confirmation.respondedAt && answer.respondedAt && answer.requestedAt && isResponse(answer.responseType)) {
    bookingMetrics.responseTime().observe({ response: answer.responseType }, Math.max(0, (answer.respondedAt.getTime() - answer.requestedAt.getTime()) / 1000));
  }
}

function isResponse(type: string | undefined): type is (typeof RESPONSES)[number] {
  return RESPONSES.includes(type as (typeof RESPONSES)[number]);
}

const GAUGE_REFRESH_MS = 30_000;
const TALLY_RETENTION_MS = 31 * 24 * HOUR_S * 1000;

/**
 * Keeps the pending and expiring-soon gauges current from the booking tallies (the dashboard's first
 * two cards): a handful of counters, whatever the number of requests; and the bookings flagged for an
 * admin (a small set found by an equality). Also prunes the tallies' old days.
 */
@Injectable()
export class BookingGauges implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(BookingGauges.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly tallies: BookingTallyQuery,
    private readonly bookings: BookingRepository,
  ) {
    declareBookingMetrics();
  }

  onApplicationBootstrap(): void {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), GAUGE_REFRESH_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async refresh(now: Date = new Date()): Promise<void> {
    try {
      const { pendingCount, expiringSoonCount } = await this.tallies.pending(now);
      bookingMetrics.requestsPending().set(pendingCount);
      bookingMetrics.requestsExpiringSoon().set(expiringSoonCount);
      const flagged = await this.bookings.needingAdmin(Number.MAX_SAFE_INTEGER);
      const oldest = flagged[0]?.needsAdminSince;
      bookingMetrics.needsAdmin().set(flagged.length);
      bookingMetrics.needsAdminOldestAge().set(oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0);
      await this.tallies.prune(new Date(now.getTime() - TALLY_RETENTION_MS), now);
    } catch (error) {
      this.logger.warn({ message: 'could not refresh the booking gauges', error: (error as Error).message });
    }
  }
}
