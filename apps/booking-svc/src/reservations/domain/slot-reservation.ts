import { ReservationError, ReservationErrorCode } from './reservation-error.js';

export type ReservationStatus = 'active' | 'converted' | 'expired' | 'released';

export interface SlotReservation {
  id: string;
  providerId: string;
  patientId: string;
  serviceId: string;
  startTime: Date;
  endTime: Date;
  status: ReservationStatus;
  expiresAt: Date;
  version: number;
  idempotencyKey: string;
  createdAt: Date;
}

export interface ReserveSlotInput {
  id: string;
  providerId: string;
  patientId: string;
  serviceId: string;
  startTime: Date;
  endTime: Date;
  idempotencyKey: string;
}

/** A new hold on a slot, valid for `ttlSeconds` from `now`. */
export function reserveSlot(input: ReserveSlotInput, now: Date, ttlSeconds: number): SlotReservation {
  if (!(input.endTime.getTime() > input.startTime.getTime())) {
    throw new ReservationError(ReservationErrorCode.InvalidTimeRange, 'endTime must be after startTime');
  }
  if (input.startTime.getTime() <= now.getTime()) {
    throw new ReservationError(ReservationErrorCode.SlotInPast, 'The slot has already started');
  }
  return { ...input, status: 'active', expiresAt: new Date(now.getTime() + ttlSeconds * 1000), version: 1, createdAt: now };
}

/** A retry with the same idempotency key must describe the same reservation. */
export function isSameRequest(existing: SlotReservation, input: ReserveSlotInput): boolean {
  return (
    existing.providerId === input.providerId &&
    existing.serviceId === input.serviceId &&
    existing.startTime.getTime() === input.startTime.getTime() &&
    existing.endTime.getTime() === input.endTime.getTime()
  );
}
