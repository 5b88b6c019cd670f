import type { SlotReservation } from '../../reservations/domain/slot-reservation.js';
import type { BookingActor } from './booking.js';
import type { BookingChange, TransitionRules } from './booking-transitions.js';
import { createBooking } from './create-booking.js';

/** The booking specs' shared actors, rules and builders: a 100.00 USD, 30-minute request booking unless told otherwise. */
export const actors = {
  patient: { type: 'patient', id: 'u1' },
  provider: { type: 'provider', id: 'p1' },
  system: { type: 'system', id: 'scheduler-svc' },
  admin: { type: 'admin', id: 'a1' },
} as const satisfies Record<string, BookingActor>;

/** Provider rules that allow everything, with a 24-hour deadline and notice. */
export const TEST_RULES: TransitionRules = {
  confirmationDeadlineHours: 24,
  allowReschedule: true,
  maxRescheduleAttempts: 2,
  rescheduleNoticeHours: 24,
  allowCancellation: true,
  cancellationNoticeHours: 24,
  cancellationFeePercent: 50,
};

/** A live reservation of 30 minutes with a 15-minute buffer, made at `createdAt`, lapsing five minutes later. */
export function testReservation(fields: Partial<SlotReservation> & { createdAt: Date }): SlotReservation {
  const startTime = fields.startTime ?? new Date('2030-03-10T16:00:00Z');
  return {
    id: 'r1',
    providerId: 'p1',
    patientId: 'u1',
    serviceId: 's1',
    startTime,
    endTime: new Date(startTime.getTime() + 30 * 60_000),
    bufferMinutes: 15,
    status: 'active',
    expiresAt: new Date(fields.createdAt.getTime() + 5 * 60_000),
    version: 1,
    idempotencyKey: 'k',
    ...fields,
  };
}

export interface TestBookingOptions {
  reservation: SlotReservation;
  now: Date;
  id?: string;
  bookingNumber?: string;
  bookingType?: 'instant' | 'request';
  priceCents?: number;
  providerTimezone?: string;
  patientTimezone?: string;
}

/** The change that creates a booking from the reservation (pending_payment), as the patient makes it. */
export function createdChange(options: TestBookingOptions): BookingChange {
  return createBooking(
    {
      id: options.id ?? 'b1',
      bookingNumber: options.bookingNumber ?? 'FH-20300301-ABCDE',
      reservation: options.reservation,
      service: { serviceId: 's1', name: 'Consult', category: 'general', durationMinutes: 30, priceCents: options.priceCents ?? 10_000, currency: 'usd' },
      bookingType: options.bookingType ?? 'request',
      providerTimezone: options.providerTimezone ?? 'America/Denver',
      patientTimezone: options.patientTimezone ?? 'Europe/Berlin',
      maxRescheduleAttempts: 2,
      feePolicy: { percentage: 10, flatFeeCents: 150, maxFeeCents: 3500 },
    },
    { actor: { type: 'patient', id: options.reservation.patientId }, now: options.now },
  );
}
