import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { BookingConfig } from '../../../config/booking.config.js';
import { OfferedBookingMode, notBookable } from '../../../providers/application/offered-booking-mode.js';
import { type BookableProvider, scheduleOf } from '../../../providers/domain/provider.js';
import { ProviderRepository } from '../../../providers/infrastructure/provider.repository.js';
import { BookingError, BookingErrorCode } from '../../../shared/domain/booking-error.js';
import { CalendarBusyStore } from '../../../slots/infrastructure/calendar-busy.store.js';
import { SlotLedger } from '../../../slots/application/slot-ledger.js';
import type { SlotPlan } from '../../../slots/domain/slot-plan.js';
import { SlotClaimStore } from '../../../slots/infrastructure/slot-claim.store.js';
import { type ReserveSlotInput, type SlotReservation, type SlotRules, isSameRequest, reserveSlot } from '../../domain/slot-reservation.js';
import { bookingMetrics } from '../../../bookings/application/booking-metrics.js';
import { ReservationRepository } from '../../infrastructure/reservation.repository.js';
import type { ReserveSlotCommand } from './reserve-slot.command.js';

export interface ReserveSlotResult {
  reservation: SlotReservation;
  /** False when this was a retry answered with the reservation made the first time. */
  created: boolean;
}

/**
 * Holds a slot: checks it against the provider's rules, takes one of the patient's reservation
 * places and every granule of the slot (unique keys: the database decides who wins), then stores the
 * reservation with its SlotReserved event. Any step that fails gives back what was claimed. The
 * availability read model follows from the reservation's outbox (ReservationBusyProjection).
 */
@Injectable()
export class ReserveSlotUseCase {
  constructor(
    private readonly reservations: ReservationRepository,
    private readonly providers: ProviderRepository,
    private readonly claims: SlotClaimStore,
    private readonly slots: SlotLedger,
    private readonly calendarBusy: CalendarBusyStore,
    private readonly config: BookingConfig,
    private readonly offered: OfferedBookingMode,
  ) {}

  async execute(command: ReserveSlotCommand, now: Date = new Date()): Promise<ReserveSlotResult> {
    const input: ReserveSlotInput = { id: randomUUID(), ...command };
    const provider = await this.providers.findBookable(command.providerId);
    const service = provider?.services.find((s) => s.id === command.serviceId);
    const rules =
      provider && service ? { schedule: scheduleOf(provider), settings: provider.settings, serviceDurationMinutes: service.durationMinutes } : undefined;
    // A slot another patient took a moment ago (a hot slot's losers): refused from memory, once the
    // request is known to be valid, before any database work.
    if (rules) {
      const end = new Date(command.startTime.getTime() + rules.serviceDurationMinutes * 60_000);
      const slot = { providerId: command.providerId, start: command.startTime, end, bufferMinutes: rules.settings.bufferMinutes };
      if (this.claims.seenTakenByAnother(slot, command.patientId, now)) {
        reserveSlot(input, rules, now, this.config.RESERVATION_TTL_SECONDS); // an invalid request still says what is wrong with it
        throw new BookingError(BookingErrorCode.SlotUnavailable, 'This time is no longer available', { providerId: slot.providerId, start: slot.start, end });
      }
    }

    try {
      return await this.reserve(command, input, provider, rules, now);
    } catch (error) {
      // A retry of a request that was answered before is refused by what that request made (its slot,
      // one of the patient's places) or by the time since: the reservation it made is the answer. Looked
      // up only then, not before every reservation.
      if (!(error instanceof BookingError)) throw error;
      const earlier = await this.reservations.findByIdempotencyKey(command.patientId, command.idempotencyKey);
      if (earlier) return this.replay(earlier, input);
      throw error;
    }
  }

  private async reserve(
    command: ReserveSlotCommand,
    input: ReserveSlotInput,
    provider: BookableProvider | undefined,
    rules: SlotRules | undefined,
    now: Date,
  ): Promise<ReserveSlotResult> {
    if (!provider) throw new BookingError(BookingErrorCode.ProviderNotFound, 'No such provider');
    if (!rules) throw new BookingError(BookingErrorCode.ServiceNotFound, 'The provider does not offer this service');
    if (!(await this.offered.of(provider))) throw notBookable();
    const reservation = reserveSlot(input, rules, now, this.config.RESERVATION_TTL_SECONDS);

    const occupiedUntil = new Date(reservation.endTime.getTime() + reservation.bufferMinutes * 60_000);
    // The cheap refusals first, so a busy slot's losers cost no writes: a live hold on the slot, the calendar.
    await this.claims.assertNotTaken(
      { providerId: reservation.providerId, start: reservation.startTime, end: reservation.endTime, bufferMinutes: reservation.bufferMinutes },
      now,
    );
    if ((await this.calendarBusy.inRange(reservation.providerId, reservation.startTime, occupiedUntil)).length > 0) {
      throw new BookingError(BookingErrorCode.SlotUnavailable, 'The provider is busy at this time', { reason: 'calendar_busy' });
    }
    const slots: SlotPlan = {
      providerId: reservation.providerId,
      bufferMinutes: reservation.bufferMinutes,
      effects: [{ kind: 'claim_slot', holdId: reservation.id, start: reservation.startTime, end: reservation.endTime }],
      claimsLapseAt: reservation.expiresAt,
      patient: { id: reservation.patientId, placeLimit: this.config.MAX_ACTIVE_RESERVATIONS_PER_PATIENT },
    };
    await this.slots.claim(slots, now);
    const stored = await this.reservations.insert(reservation).catch(async (error: unknown) => {
      await this.slots.abort(slots);
      throw error;
    });
    if (stored) {
      await this.slots.commit(slots);
      bookingMetrics.slotReserved().inc();
      return { reservation: stored, created: true };
    }
    // A concurrent request with the same key stored its reservation first: ours gives way.
    await this.slots.abort(slots);
    const winner = await this.reservations.findByIdempotencyKey(command.patientId, command.idempotencyKey);
    if (!winner) throw new Error('reservation with this idempotency key vanished');
    return this.replay(winner, input);
  }

  private replay(existing: SlotReservation, input: ReserveSlotInput): ReserveSlotResult {
    if (!isSameRequest(existing, input)) {
      throw new BookingError(BookingErrorCode.IdempotencyKeyReused, 'This idempotency key was already used for a different request');
    }
    return { reservation: existing, created: false };
  }
}
