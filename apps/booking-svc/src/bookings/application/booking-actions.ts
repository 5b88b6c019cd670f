import { Injectable } from '@nestjs/common';
import type { BookingActionBody, BookingActionName } from '@bp/contracts';
import type { Actor } from '@bp/platform';
import { DateTime } from 'luxon';
import { BookingConfig } from '../../config/booking.config.js';
import { AutoConfirmCounter } from '../../providers/infrastructure/auto-confirm.counter.js';
import { ProviderRepository } from '../../providers/infrastructure/provider.repository.js';
import { BookingError, BookingErrorCode } from '../../shared/domain/booking-error.js';
import { type Booking, currentTimes } from '../domain/booking.js';
import { CalendarAvailabilityClient } from '../infrastructure/calendar-availability.client.js';
import { BookingRepository } from '../infrastructure/booking.repository.js';
import * as transitions from '../domain/booking-transitions.js';
import type { BookingChange, TransitionContext, TransitionRules } from '../domain/booking-transitions.js';
import { BookingCommands } from './booking-commands.js';

/** A catalog action's use case: the booking, the caller, and the body its contract validated. */
type BookingActionUseCase<Name extends BookingActionName> = (bookingId: string, actor: Actor, body: BookingActionBody<Name>) => Promise<Booking>;

/** A transition given what every action has at hand: the booking, the caller's context, the provider's rules. */
type Decision = (booking: Booking, ctx: TransitionContext, rules: TransitionRules) => BookingChange;

/**
 * What happens to a booking: the actions callers take (the booking action catalog, @bp/contracts
 * BOOKING_ACTIONS, run by name) and the ones messages drive; each one domain transition run by BookingCommands.
 */
@Injectable()
export class BookingActions {
  constructor(
    private readonly commands: BookingCommands,
    private readonly providers: ProviderRepository,
    private readonly autoConfirm: AutoConfirmCounter,
    private readonly bookings: BookingRepository,
    private readonly calendar: CalendarAvailabilityClient,
    private readonly config: BookingConfig,
  ) {}

  /** Runs the catalog action `name` (POST /internal/bookings/:id/<name>) for the caller. */
  run<Name extends BookingActionName>(name: Name, bookingId: string, actor: Actor, body: BookingActionBody<Name>): Promise<Booking> {
    const useCase: BookingActionUseCase<Name> = this.byName[name];
    return useCase(bookingId, actor, body);
  }

  /** One use case per catalog row: the compiler refuses a row without one, or one without a row. */
  private readonly byName: { [Name in BookingActionName]: BookingActionUseCase<Name> } = {
    confirm: (id, actor) => this.confirm(id, actor),
    decline: (id, actor, { reason }) => this.decide(id, actor, (b, ctx) => transitions.decline(b, reason, ctx)),
    reschedule: (id, actor, { startTime, message }) =>
      this.decide(id, actor, (b, ctx, rules) => transitions.proposeReschedule(b, proposal(b, startTime, message), rules, ctx)),
    'accept-reschedule': (id, actor) => this.decide(id, actor, transitions.acceptReschedule),
    'decline-reschedule': (id, actor) => this.decide(id, actor, transitions.declineReschedule),
    'retry-payment': (id, actor, { paymentMethodId }) => this.decide(id, actor, (b, ctx) => transitions.retryPayment(b, ctx, paymentMethodId)),
    cancel: (id, actor, { reason }) => this.decide(id, actor, (b, ctx, rules) => transitions.cancel(b, reason, rules, ctx)),
    'check-in': (id, actor) => this.decide(id, actor, transitions.checkIn),
    start: (id, actor) => this.decide(id, actor, transitions.startVisit),
    complete: (id, actor) => this.decide(id, actor, transitions.complete),
    'no-show': (id, actor) => this.decide(id, actor, transitions.markNoShow),
    override: (id, actor, { status, reason }) => this.override(id, actor, status, reason),
    acknowledge: (id, actor, { note }) => this.decide(id, actor, (b, ctx) => transitions.acknowledge(b, note, ctx)),
  };

  /** Runs a transition for the caller on the booking as it is now. */
  private decide(id: string, actor: Actor, decision: Decision): Promise<Booking> {
    return this.commands.run(id, (b, rules) => decision(b, this.commands.context(actor), rules));
  }

  /** A provider confirms a request; if their calendar is connected by now, it is read afresh first (a clash refuses with 409). */
  private async confirm(id: string, actor: Actor): Promise<Booking> {
    const booking = await this.bookings.findById(id);
    if (booking && !(await this.calendarStillFree(booking)))
      throw new BookingError(BookingErrorCode.SlotUnavailable, 'The provider’s calendar has another event at this time; propose a new time or decline', {
        reason: 'calendar_busy',
      });
    return this.decide(id, actor, transitions.confirm);
  }

  /** The spec's verifyAvailabilityBeforeCapture: only a request about to be captured, only with a connected calendar. */
  private async calendarStillFree(booking: Booking): Promise<boolean> {
    if (booking.bookingType !== 'request' || (booking.status !== 'pending_confirmation' && booking.status !== 'pending_payment')) return true;
    const provider = await this.providers.findBookable(booking.providerId);
    if (!provider?.calendarConnected) return true;
    const { start, end } = currentTimes(booking);
    return (await this.calendar.check(booking.providerId, start, end)).free;
  }

  /** Only an admin learns whether the booking exists: anyone else is refused before it is read. */
  private override(id: string, actor: Actor, status: string, reason: string): Promise<Booking> {
    if (actor.type !== 'admin') return Promise.reject(new BookingError(BookingErrorCode.Forbidden, 'Only an admin may override a booking'));
    return this.decide(id, actor, (b, ctx) => transitions.adminOverride(b, status, reason, ctx, { retryWindowMs: this.retryWindowMs() }));
  }

  private retryWindowMs(): number {
    return this.config.PAYMENT_RETRY_WINDOW_SECONDS * 1000;
  }

  // ---- driven by messages (payment-svc, scheduler-svc) -----------------------------------------

  /**
   * The hold is in place. A request to a provider with auto-confirm on (under the daily cap, calendar
   * free) is marked as auto-confirmed with the hold and confirmed right after, so the provider is told
   * of a booking instead of being asked to answer one. A redelivered hold finishes a confirmation a
   * crash interrupted. The cap's counter is taken before the hold is written: a crash in between
   * counts one confirmation too many for the day, never one too few.
   */
  async holdPlaced(id: string, paymentIntentId: string): Promise<Booking> {
    try {
      const held = await this.commands.run(id, async (b, rules) =>
        transitions.recordHoldPlaced(b, paymentIntentId, rules, this.commands.context(SYSTEM), { autoConfirm: await this.takesAutoConfirm(b) }),
      );
      return await this.finishAutoConfirm(held);
    } catch (error) {
      // Delivered again after the hold was recorded: finish an auto-confirmation a crash interrupted, else it is stale.
      if (!(error instanceof BookingError) || error.code !== BookingErrorCode.InvalidTransition) throw error;
      const booking = await this.bookings.findById(id);
      if (booking?.status !== 'pending_confirmation' || booking.payment.paymentIntentId !== paymentIntentId) throw error;
      return this.finishAutoConfirm(booking);
    }
  }

  private async takesAutoConfirm(booking: Booking): Promise<boolean> {
    if (booking.status !== 'pending_payment' || booking.bookingType !== 'request' || booking.confirmation.responseType) return false;
    const provider = await this.providers.findBookable(booking.providerId);
    const auto = provider?.settings.autoConfirm;
    if (!provider || !auto?.enabled) return false;
    if (!(await this.calendarStillFree(booking))) return false; // a clash: the provider decides
    const today = DateTime.now().setZone(provider.timezone).toISODate() ?? '';
    return this.autoConfirm.take(provider.id, today, auto.maxDailyAutoConfirm);
  }

  private async finishAutoConfirm(booking: Booking): Promise<Booking> {
    if (booking.status !== 'pending_confirmation' || !booking.confirmation.autoConfirm || booking.confirmation.responseType) return booking;
    return this.commands.run(booking.id, (b) => transitions.confirm(b, this.commands.context(AUTO_CONFIRM)));
  }

  captured(id: string, amountCents: number, paymentIntentId?: string): Promise<Booking> {
    return this.commands.run(id, (b) => transitions.recordCaptured(b, amountCents, this.commands.context(SYSTEM), paymentIntentId));
  }

  paymentFailed(id: string, stage: 'hold' | 'capture', reason: string): Promise<Booking> {
    return this.commands.run(id, (b) => transitions.recordPaymentFailed(b, stage, reason, this.retryWindowMs(), this.commands.context(SYSTEM)));
  }

  refunded(id: string, refund: Parameters<typeof transitions.recordRefunded>[1]): Promise<Booking> {
    return this.commands.run(id, (b) => transitions.recordRefunded(b, refund, this.commands.context(SYSTEM)));
  }

  holdReleased(id: string, reason: string | undefined): Promise<Booking> {
    return this.commands.run(id, (b) => transitions.recordHoldReleased(b, reason, this.commands.context(SYSTEM)));
  }

  disputeOpened(id: string, dispute: Parameters<typeof transitions.recordDisputeOpened>[1]): Promise<Booking> {
    return this.commands.run(id, (b) => transitions.recordDisputeOpened(b, dispute, this.commands.context(SYSTEM)));
  }

  disputeClosed(id: string, dispute: Parameters<typeof transitions.recordDisputeClosed>[1]): Promise<Booking> {
    return this.commands.run(id, (b) => transitions.recordDisputeClosed(b, dispute, this.commands.context(SYSTEM)));
  }

  holdExpiring(id: string, expiresAt: Date): Promise<Booking> {
    return this.commands.run(id, (b) => transitions.holdExpiring(b, expiresAt, this.commands.context(SYSTEM)));
  }

  /** The card's bank wants the patient to authenticate (3-D Secure) within PAYMENT_ACTION_WINDOW_SECONDS. */
  actionRequired(id: string, action: { paymentIntentId: string; clientSecret: string }): Promise<Booking> {
    return this.commands.run(id, (b) =>
      transitions.recordActionRequired(b, action, this.config.PAYMENT_ACTION_WINDOW_SECONDS * 1000, this.commands.context(SYSTEM)),
    );
  }

  expire(id: string, deadline: 'confirmation' | 'reschedule_response' | 'payment_retry' | 'payment_action'): Promise<Booking> {
    return this.commands.run(id, (b) => transitions.expire(b, deadline, this.commands.context(SYSTEM)));
  }

  /** Calendar-svc reported a (dis)connection: the provider's mode follows unless an admin fixed it. */
  async calendarConnectionChanged(providerId: string, connected: boolean): Promise<void> {
    await this.providers.setCalendarConnected(providerId, connected);
  }
}

const SYSTEM = { type: 'system' as const, id: 'booking-svc' };
const AUTO_CONFIRM = { type: 'system' as const, id: 'auto-confirm' };

/** The provider's proposed new time: the service's length from its start, and the hold that claims it. */
function proposal(booking: Booking, startTime: string, message: string | undefined) {
  const start = new Date(startTime);
  const end = new Date(start.getTime() + booking.service.durationMinutes * 60_000);
  return { start, end, holdId: `${booking.id}:reschedule:${booking.reschedule.count + 1}`, ...(message ? { message } : {}) };
}
