import { Injectable, type OnModuleInit } from '@nestjs/common';
import { OutboxRelay } from '@bp/outbox';
import { type BusyEntry, busyEntry, goneEntry } from '../../slots/domain/busy-day.js';
import { BusyDayStore } from '../../slots/infrastructure/busy-day.store.js';
import { type Booking, currentTimes } from '../domain/booking.js';
import { SLOT_HOLDING_STATUSES } from '../domain/booking-status.js';
import { BOOKING_COLLECTION, type BookingDocument } from '../infrastructure/booking.schema.js';
import { toBooking } from '../infrastructure/booking.repository.js';

type BookingTimes = Pick<Booking, 'id' | 'status' | 'version' | 'dateTime' | 'reschedule'>;

/**
 * What a booking takes in the availability read model, from its state alone: its current slot (and
 * buffer) while its status holds it; an open reschedule proposal until its deadline; and, so that a
 * move or a closed proposal takes its time back, a `gone` entry for every earlier slot and proposal in
 * its reschedule history. Keys are the booking and the start they are about.
 */
export function bookingBusyEntries(booking: BookingTimes, now: Date): BusyEntry[] {
  const buffer = booking.dateTime.bufferMinutes * 60_000;
  const plusBuffer = (end: Date) => new Date(end.getTime() + buffer);
  const slotKey = (start: Date) => `b:${booking.id}:${start.getTime()}`;
  const proposalKey = (start: Date) => `p:${booking.id}:${start.getTime()}`;
  const { start, end } = currentTimes(booking as Booking);
  const holds = SLOT_HOLDING_STATUSES.includes(booking.status);
  const entries = new Map<string, BusyEntry>();
  for (const attempt of booking.reschedule.history) {
    entries.set(proposalKey(attempt.toStart), goneEntry(proposalKey(attempt.toStart), attempt.toStart, plusBuffer(attempt.toEnd), booking.version, now));
    if (attempt.accepted)
      entries.set(slotKey(attempt.fromStart), goneEntry(slotKey(attempt.fromStart), attempt.fromStart, plusBuffer(attempt.fromEnd), booking.version, now));
  }
  const proposal = booking.reschedule.current;
  if (proposal) {
    const key = proposalKey(proposal.proposedStart);
    const open = holds && booking.status === 'reschedule_proposed';
    entries.set(
      key,
      open
        ? busyEntry(key, proposal.proposedStart, plusBuffer(proposal.proposedEnd), booking.version, proposal.responseDeadline)
        : goneEntry(key, proposal.proposedStart, plusBuffer(proposal.proposedEnd), booking.version, now),
    );
  }
  const key = slotKey(start);
  entries.set(key, holds ? busyEntry(key, start, plusBuffer(end), booking.version) : goneEntry(key, start, plusBuffer(end), booking.version, now));
  return [...entries.values()];
}

/** Keeps the availability read model in step with every committed booking change (after its outbox messages). */
@Injectable()
export class BookingBusyProjection implements OnModuleInit {
  constructor(
    private readonly relay: OutboxRelay,
    private readonly days: BusyDayStore,
  ) {}

  onModuleInit(): void {
    this.relay.afterCommit(BOOKING_COLLECTION, (doc) => this.project(toBooking(doc as unknown as BookingDocument)));
  }

  async project(booking: Booking, now: Date = new Date()): Promise<void> {
    await this.days.apply({ providerId: booking.providerId, entries: bookingBusyEntries(booking, now) });
  }
}
