import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { BookingConfig } from '../../../config/booking.config.js';
import { ReservationError, ReservationErrorCode } from '../../domain/reservation-error.js';
import { type SlotReservation, isSameRequest, reserveSlot } from '../../domain/slot-reservation.js';
import { ReservationRepository } from '../../infrastructure/reservation.repository.js';
import type { ReserveSlotCommand } from './reserve-slot.command.js';

export interface ReserveSlotResult {
  reservation: SlotReservation;
  /** False when this was a retry answered with the reservation made the first time. */
  created: boolean;
}

@Injectable()
export class ReserveSlotUseCase {
  constructor(
    private readonly reservations: ReservationRepository,
    private readonly config: BookingConfig,
  ) {}

  async execute(command: ReserveSlotCommand, now: Date = new Date()): Promise<ReserveSlotResult> {
    const input = { id: randomUUID(), ...command };
    const reservation = reserveSlot(input, now, this.config.RESERVATION_TTL_SECONDS);
    const stored = await this.reservations.insert(reservation);
    if (stored) return { reservation: stored, created: true };

    const existing = await this.reservations.findByIdempotencyKey(command.patientId, command.idempotencyKey);
    if (!existing || !isSameRequest(existing, input)) {
      throw new ReservationError(ReservationErrorCode.IdempotencyKeyReused, 'This idempotency key was already used for a different request');
    }
    return { reservation: existing, created: false };
  }
}
