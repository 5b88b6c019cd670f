import { Injectable, type OnModuleInit } from '@nestjs/common';
import { OutboxRelay } from '@bp/outbox';
import { type BusyEntry, busyEntry, goneEntry } from '../../slots/domain/busy-day.js';
import { BusyDayStore } from '../../slots/infrastructure/busy-day.store.js';
import type { SlotReservation } from '../domain/slot-reservation.js';
import { type ReservationDocument, RESERVATION_COLLECTION } from '../infrastructure/reservation.schema.js';

/** What a reservation takes in the availability read model: its slot and buffer until it lapses; nothing once expired or released. */
export function reservationBusyEntry(
  reservation: Pick<SlotReservation, 'id' | 'startTime' | 'endTime' | 'bufferMinutes' | 'status' | 'expiresAt' | 'version'>,
  now: Date,
): BusyEntry {
  const key = `r:${reservation.id}`;
  const end = new Date(reservation.endTime.getTime() + reservation.bufferMinutes * 60_000);
  // A converted reservation's time is its booking's from then on (the booking's own entry); until that
  // entry is written, the reservation's keeps the slot, lapsing as the reservation would have.
  if (reservation.status === 'active' || reservation.status === 'converted')
    return busyEntry(key, reservation.startTime, end, reservation.version, reservation.expiresAt);
  return goneEntry(key, reservation.startTime, end, reservation.version, now);
}

/** Keeps the availability read model in step with every committed reservation change (after its outbox messages). */
@Injectable()
export class ReservationBusyProjection implements OnModuleInit {
  constructor(
    private readonly relay: OutboxRelay,
    private readonly days: BusyDayStore,
  ) {}

  onModuleInit(): void {
    this.relay.afterCommit(RESERVATION_COLLECTION, (doc) => this.project(doc as unknown as ReservationDocument));
  }

  async project(doc: ReservationDocument, now: Date = new Date()): Promise<void> {
    // As stored: dates may come back as strings from a document another writer made (a restore, a fixture).
    const reservation = {
      ...doc,
      id: doc._id,
      startTime: new Date(doc.startTime),
      endTime: new Date(doc.endTime),
      expiresAt: new Date(doc.expiresAt),
      bufferMinutes: doc.bufferMinutes ?? 0,
    };
    await this.days.apply({ providerId: doc.providerId, entries: [reservationBusyEntry(reservation, now)] });
  }
}
