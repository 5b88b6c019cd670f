import { bookingWindow } from '../../availability/domain/availability.js';
import type { BookingSettings } from '../../providers/domain/booking-settings.js';
import { type Schedule, workingSpans } from '../../providers/domain/schedule.js';
import { addDays, localDateOf } from '../../providers/domain/zone-time.js';
import { BookingError, BookingErrorCode } from '../../shared/domain/booking-error.js';

export type ReservationStatus = 'active' | 'converted' | 'expired' | 'released';

export interface SlotReservation {
  id: string;
  providerId: string;
  patientId: string;
  serviceId: string;
  startTime: Date;
  endTime: Date;
  bufferMinutes: number;
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
  /** Optional: derived from the service's duration; when given it must agree. */
  endTime?: Date;
  idempotencyKey: string;
}

/** What of the provider a reservation is checked against. */
export interface SlotRules {
  schedule: Schedule;
  settings: Pick<BookingSettings, 'minimumNoticeHours' | 'maximumAdvanceDays' | 'bufferMinutes'>;
  serviceDurationMinutes: number;
}

/**
 * A new hold on a slot, valid for `ttlSeconds`: the slot lasts the service's duration, lies inside the
 * provider's booking window and inside a working window of its local day. Whether it is free is the
 * slot claims' business (a unique key per granule), not a read here.
 */
export function reserveSlot(input: ReserveSlotInput, rules: SlotRules, now: Date, ttlSeconds: number): SlotReservation {
  const endTime = new Date(input.startTime.getTime() + rules.serviceDurationMinutes * 60_000);
  if (input.endTime && input.endTime.getTime() !== endTime.getTime()) {
    throw new BookingError(
      BookingErrorCode.InvalidTimeRange,
      `This service lasts ${rules.serviceDurationMinutes} minutes: endTime must be ${endTime.toISOString()}`,
      { expectedEndTime: endTime.toISOString() },
    );
  }
  if (input.startTime.getTime() <= now.getTime()) throw new BookingError(BookingErrorCode.SlotInPast, 'The slot has already started');
  const { earliest, latest } = bookingWindow(rules.settings, now);
  if (input.startTime < earliest || input.startTime > latest) {
    throw new BookingError(BookingErrorCode.OutsideBookingWindow, 'The slot is outside the provider’s booking window', {
      earliest: earliest.toISOString(),
      latest: latest.toISOString(),
    });
  }
  if (!withinWorkingHours(rules.schedule, input.startTime, endTime)) {
    throw new BookingError(BookingErrorCode.SlotUnavailable, 'The provider does not work at this time', { reason: 'outside_working_hours' });
  }
  const { endTime: _given, ...rest } = input;
  return {
    ...rest,
    endTime,
    bufferMinutes: rules.settings.bufferMinutes,
    status: 'active',
    expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
    version: 1,
    createdAt: now,
  };
}

function withinWorkingHours(schedule: Schedule, start: Date, end: Date): boolean {
  const localDay = localDateOf(schedule.timezone, start.getTime());
  return workingSpans(schedule, addDays(localDay, -1), addDays(localDay, 1)).some((w) => w.start <= start.getTime() && end.getTime() <= w.end);
}

/** Whether a reservation still holds its slot at `now`. */
export function isLive(reservation: Pick<SlotReservation, 'status' | 'expiresAt'>, now: Date): boolean {
  return reservation.status === 'active' && reservation.expiresAt.getTime() > now.getTime();
}

/** A retry with the same idempotency key must describe the same reservation. */
export function isSameRequest(existing: SlotReservation, input: ReserveSlotInput): boolean {
  return (
    existing.providerId === input.providerId &&
    existing.serviceId === input.serviceId &&
    existing.startTime.getTime() === input.startTime.getTime() &&
    (!input.endTime || existing.endTime.getTime() === input.endTime.getTime())
  );
}
