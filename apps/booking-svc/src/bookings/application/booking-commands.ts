import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { requestContext } from '@bp/platform';
import { BookingConfig } from '../../config/booking.config.js';
import { OfferedBookingMode, notBookable } from '../../providers/application/offered-booking-mode.js';
import { ProviderRepository } from '../../providers/infrastructure/provider.repository.js';
import { ReservationRepository } from '../../reservations/infrastructure/reservation.repository.js';
import { BookingError, BookingErrorCode } from '../../shared/domain/booking-error.js';
import { SlotLedger } from '../../slots/application/slot-ledger.js';
import type { SlotEffect, SlotPlan } from '../../slots/domain/slot-plan.js';
import type { Booking, BookingActor, BookingAuditEvent } from '../domain/booking.js';
import { isTerminal } from '../domain/booking-status.js';
import { bookingNumber } from '../domain/booking-number.js';
import type { BookingChange, BookingEffect, TransitionContext, TransitionRules } from '../domain/booking-transitions.js';
import { assertParty } from '../domain/booking-transitions.js';
import { createBooking } from '../domain/create-booking.js';
import { BookingRepository } from '../infrastructure/booking.repository.js';
import { messagesFor } from './booking-messages.js';
import { countBookingChange, countBookingCreated } from './booking-metrics.js';

export interface CreateBookingCommand {
  reservationId: string;
  patientTimezone: string;
  patientNotes?: string;
  /** From the patient's identity token, set by the gateway. */
  patientName?: string;
  /** One of the patient's saved cards; their default when absent. */
  paymentMethodId?: string;
}

const BOOKING_NUMBER_ATTEMPTS = 5;

/** A change's effects on the provider's time; a proposed time's claims lapse at its answer deadline. */
function slotPlanOf({ booking, effects }: BookingChange): SlotPlan {
  const deadline = booking.reschedule.current?.responseDeadline;
  return {
    providerId: booking.providerId,
    bufferMinutes: booking.dateTime.bufferMinutes,
    effects: effects.filter((effect): effect is SlotEffect => SLOT_EFFECTS.has(effect.kind)),
    ...(deadline ? { claimsLapseAt: deadline } : {}),
  };
}
const SLOT_EFFECTS: ReadonlySet<BookingEffect['kind']> = new Set(['claim_slot', 'make_slot_permanent', 'release_slot']);

/**
 * Runs booking changes: load, decide (pure domain), take slot claims, write state + audit + outbox
 * in one conditional update, then settle the claims. Every write path goes through `run`.
 */
@Injectable()
export class BookingCommands {
  constructor(
    private readonly bookings: BookingRepository,
    private readonly reservations: ReservationRepository,
    private readonly providers: ProviderRepository,
    private readonly slots: SlotLedger,
    private readonly config: BookingConfig,
    private readonly offered: OfferedBookingMode,
  ) {}

  context(actor: BookingActor, now: Date = new Date()): TransitionContext {
    const requestId = requestContext.current()?.requestId;
    return { actor, now, ...(requestId ? { requestId } : {}) };
  }

  /**
   * Converts the patient's live reservation into a booking; a retry for the same reservation returns the
   * same booking. A retry is refused by the conversion itself (the reservation is used, or gone after its
   * retention): only then is the booking made of it looked up, not before every booking.
   */
  async create(command: CreateBookingCommand, ctx: TransitionContext): Promise<{ booking: Booking; created: boolean }> {
    try {
      return await this.convert(command, ctx);
    } catch (error) {
      const refusedReservation =
        error instanceof BookingError && (error.code === BookingErrorCode.ReservationExpired || error.code === BookingErrorCode.ReservationNotFound);
      const existing = refusedReservation ? await this.bookings.findByReservation(command.reservationId) : null;
      if (!existing) throw error;
      const booking = this.visible(existing, ctx.actor);
      await this.finishCreated(booking, ctx.now);
      return { booking, created: false };
    }
  }

  /**
   * The steps after a booking's write, taken again for a retry that found the booking already made: a
   * first request that stopped after its write (a crash, a failed step) left the booking's hold
   * extended only for the write — it would lapse in minutes and free the time of a live booking — and
   * the reservation unconverted. Both are no-ops when the first request finished.
   */
  private async finishCreated(booking: Booking, now: Date): Promise<void> {
    if (isTerminal(booking.status)) return;
    await this.slots.commit({
      providerId: booking.providerId,
      bufferMinutes: 0,
      effects: [{ kind: 'make_slot_permanent', holdId: booking.holdId, bookingId: booking.id }],
    });
    await this.reservations.markConverted(booking.reservationId, now);
  }

  private async convert(command: CreateBookingCommand, ctx: TransitionContext): Promise<{ booking: Booking; created: boolean }> {
    const reservation = await this.reservations.findById(command.reservationId);
    if (!reservation) throw new BookingError(BookingErrorCode.ReservationNotFound, 'No such reservation');
    const provider = await this.providers.findBookable(reservation.providerId);
    const service = provider?.services.find((s) => s.id === reservation.serviceId);
    if (!provider || !service) throw new BookingError(BookingErrorCode.ServiceNotFound, 'The provider no longer offers this service');
    const bookingType = await this.offered.of(provider);
    if (!bookingType) throw notBookable();
    const id = randomUUID();
    for (let attempt = 1; ; attempt++) {
      const change = createBooking(
        {
          id,
          bookingNumber: bookingNumber(ctx.now),
          reservation,
          service: {
            serviceId: service.id,
            name: service.name,
            category: service.category,
            durationMinutes: service.durationMinutes,
            priceCents: service.priceCents,
            currency: service.currency,
          },
          bookingType,
          providerTimezone: provider.timezone,
          patientTimezone: command.patientTimezone,
          maxRescheduleAttempts: provider.settings.maxRescheduleAttempts,
          feePolicy: {
            percentage: this.config.PLATFORM_FEE_PERCENT,
            flatFeeCents: this.config.PLATFORM_FEE_FLAT_CENTS,
            maxFeeCents: this.config.PLATFORM_FEE_MAX_CENTS,
          },
          ...(command.patientNotes ? { patientNotes: command.patientNotes } : {}),
          ...(command.patientName ? { patientName: command.patientName } : {}),
          ...(command.paymentMethodId ? { paymentMethodId: command.paymentMethodId } : {}),
          ...(provider.displayName ? { providerName: provider.displayName } : {}),
        },
        ctx,
      );
      const slots = slotPlanOf(change);
      await this.slots.claim(slots, ctx.now);
      if (await this.bookings.insert(change, messagesFor(change))) {
        await this.slots.commit(slots);
        await this.reservations.markConverted(reservation.id, ctx.now);
        countBookingCreated(change.booking);
        return { booking: change.booking, created: true };
      }
      // A unique key was taken: the reservation's booking exists (a retry of a request that stopped
      // after its write), or the number drawn is another booking's. Looked up, since not every engine
      // says which index refused the write (FerretDB does not).
      const first = await this.bookings.findByReservation(reservation.id);
      if (first) {
        await this.finishCreated(first, ctx.now);
        return { booking: first, created: false };
      }
      if (attempt >= BOOKING_NUMBER_ATTEMPTS) throw new Error('could not draw a free booking number');
    }
  }

  async get(bookingId: string, actor: BookingActor): Promise<Booking> {
    const booking = await this.bookings.findById(bookingId);
    if (!booking) throw new BookingError(BookingErrorCode.BookingNotFound, 'No such booking');
    return this.visible(booking, actor);
  }

  /** The audit trail of a booking the actor may see, oldest first. */
  async auditTrail(bookingId: string, actor: BookingActor): Promise<BookingAuditEvent[]> {
    await this.get(bookingId, actor);
    return this.bookings.auditTrail(bookingId);
  }

  /** Loads the booking, lets the domain decide the change with the provider's rules, and applies it. */
  async run(
    bookingId: string,
    decide: (booking: Booking, rules: TransitionRules) => BookingChange | Promise<BookingChange>,
    now: Date = new Date(),
  ): Promise<Booking> {
    const booking = await this.bookings.findById(bookingId);
    if (!booking) throw new BookingError(BookingErrorCode.BookingNotFound, 'No such booking');
    const provider = await this.providers.findBookable(booking.providerId);
    const rules: TransitionRules = { ...(provider?.settings ?? this.fallbackRules()) };
    const change = await decide(booking, rules);
    const slots = slotPlanOf(change);
    await this.slots.claim(slots, now);
    try {
      await this.bookings.apply(change, messagesFor(change));
    } catch (error) {
      await this.slots.abort(slots);
      throw error;
    }
    await this.slots.commit(slots);
    countBookingChange(change.previous, change.booking);
    return change.booking;
  }

  private visible(booking: Booking, actor: BookingActor): Booking {
    assertParty(booking, actor, 'either');
    return booking;
  }

  private fallbackRules(): TransitionRules {
    return {
      confirmationDeadlineHours: 24,
      allowReschedule: false,
      maxRescheduleAttempts: 0,
      rescheduleNoticeHours: 24,
      allowCancellation: true,
      cancellationNoticeHours: 0,
      cancellationFeePercent: 0,
    };
  }
}
