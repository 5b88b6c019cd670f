import type { BookingMode } from '../../providers/domain/booking-settings.js';
import { BookingError, BookingErrorCode } from '../../shared/domain/booking-error.js';
import type { SlotReservation } from '../../reservations/domain/slot-reservation.js';
import { isLive } from '../../reservations/domain/slot-reservation.js';
import type { Booking, ServiceSnapshot } from './booking.js';
import type { BookingChange, TransitionContext } from './booking-transitions.js';
import { type FeePolicy, platformFee } from '@bp/pricing';

export interface CreateBookingInput {
  id: string;
  bookingNumber: string;
  reservation: SlotReservation;
  service: ServiceSnapshot;
  bookingType: BookingMode;
  providerTimezone: string;
  patientTimezone: string;
  maxRescheduleAttempts: number;
  feePolicy: FeePolicy;
  patientNotes?: string;
  patientName?: string;
  providerName?: string;
  paymentMethodId?: string;
}

/**
 * A booking from a live reservation of the same patient: the service and price are snapshotted, the
 * platform fee computed, the type taken from the provider's mode; the card hold is requested next.
 */
export function createBooking(input: CreateBookingInput, ctx: TransitionContext): BookingChange {
  const { reservation } = input;
  if (ctx.actor.type !== 'patient' || reservation.patientId !== ctx.actor.id)
    throw new BookingError(BookingErrorCode.ReservationNotFound, 'No such reservation');
  if (!isLive(reservation, ctx.now))
    throw new BookingError(BookingErrorCode.ReservationExpired, 'The reservation has expired or was already used; reserve the slot again');
  const booking: Booking = {
    id: input.id,
    bookingNumber: input.bookingNumber,
    patientId: reservation.patientId,
    providerId: reservation.providerId,
    holdId: reservation.id,
    reservationId: reservation.id,
    service: input.service,
    bookingType: input.bookingType,
    status: 'pending_payment',
    dateTime: {
      requestedStart: reservation.startTime,
      requestedEnd: reservation.endTime,
      providerTimezone: input.providerTimezone,
      patientTimezone: input.patientTimezone,
      bufferMinutes: reservation.bufferMinutes,
    },
    confirmation: { required: input.bookingType === 'request' },
    reschedule: { count: 0, maxAttempts: input.maxRescheduleAttempts, history: [] },
    payment: {
      status: 'pending',
      originalAmountCents: input.service.priceCents,
      platformFee: platformFee(input.service.priceCents, input.feePolicy),
      ...(input.paymentMethodId ? { paymentMethodId: input.paymentMethodId } : {}),
    },
    notes: input.patientNotes ? { patientNotes: input.patientNotes } : {},
    ...(input.patientName ? { patientName: input.patientName } : {}),
    ...(input.providerName ? { providerName: input.providerName } : {}),
    version: 1,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  const entry = {
    eventType: 'created',
    previousStatus: 'slot_reserved' as const,
    newStatus: 'pending_payment' as const,
    data: { reservationId: reservation.id, bookingType: input.bookingType },
    actor: ctx.actor,
    context: { ...(ctx.requestId ? { requestId: ctx.requestId } : {}), source: ctx.source ?? 'api' },
    timestamp: ctx.now,
  };
  return {
    previous: booking,
    booking,
    audit: [entry],
    effects: [{ kind: 'make_slot_permanent', holdId: reservation.id, bookingId: booking.id }, { kind: 'place_hold' }],
  };
}
