import { Injectable, type OnModuleInit } from '@nestjs/common';
import { OutboxRelay } from '@bp/outbox';
import type { Booking } from '../domain/booking.js';
import { talliesOf, talliesToLeave } from '../domain/booking-tallies.js';
import { BOOKING_COLLECTION, type BookingDocument } from '../infrastructure/booking.schema.js';
import { toBooking } from '../infrastructure/booking.repository.js';
import { BookingTallyStore } from '../infrastructure/booking-tally.store.js';

/** Keeps the booking tallies (pending requests, expiries) in step with every committed booking change. */
@Injectable()
export class BookingTalliesProjection implements OnModuleInit {
  constructor(
    private readonly relay: OutboxRelay,
    private readonly tallies: BookingTallyStore,
  ) {}

  onModuleInit(): void {
    this.relay.afterCommit(BOOKING_COLLECTION, (doc) => this.project(toBooking(doc as unknown as BookingDocument)));
  }

  project(booking: Booking): Promise<void> {
    return this.tallies.reconcile(booking.id, talliesOf(booking), talliesToLeave(booking));
  }
}
