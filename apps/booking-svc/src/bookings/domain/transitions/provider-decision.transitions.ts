import { BookingError, BookingErrorCode } from '../../../shared/domain/booking-error.js';
import type { Booking } from '../booking.js';
import { currentTimes } from '../booking.js';
import { type BookingChange, type TransitionContext, change } from './booking-change.js';
import { assertParty, assertStatus } from './transition-guards.js';

/** The provider answers a request: confirm or decline (a new time is in reschedule.transitions.ts). */

export function assertAwaitingProvider(booking: Booking, now: Date): void {
  assertStatus(booking, ['pending_confirmation'], 'respond to');
  if (booking.confirmation.responseType)
    throw new BookingError(BookingErrorCode.InvalidTransition, `The provider already answered (${booking.confirmation.responseType})`);
  if (booking.confirmation.expiresAt && now.getTime() >= booking.confirmation.expiresAt.getTime())
    throw new BookingError(BookingErrorCode.BookingExpired, 'This booking request has expired');
  if (now.getTime() >= currentTimes(booking).start.getTime()) throw new BookingError(BookingErrorCode.BookingExpired, 'The requested time has already started');
}

/** The provider accepts: the hold is captured, and the booking is confirmed when the capture lands. */
export function confirm(booking: Booking, ctx: TransitionContext): BookingChange {
  assertParty(booking, ctx.actor, 'provider');
  assertAwaitingProvider(booking, ctx.now);
  return change(booking, ctx, {
    event: 'confirmed',
    patch: {
      confirmation: { ...booking.confirmation, respondedAt: ctx.now, responseType: 'confirmed' },
      payment: { ...booking.payment, status: 'capture_requested' },
    },
    effects: [{ kind: 'capture', amountCents: booking.payment.originalAmountCents, reason: 'provider_confirmed' }],
  });
}

export function decline(booking: Booking, reason: string | undefined, ctx: TransitionContext): BookingChange {
  assertParty(booking, ctx.actor, 'provider');
  assertAwaitingProvider(booking, ctx.now);
  return change(booking, ctx, {
    event: 'declined',
    to: 'cancelled_provider',
    patch: { confirmation: { ...booking.confirmation, respondedAt: ctx.now, responseType: 'declined', ...(reason ? { declineReason: reason } : {}) } },
    effects: [
      { kind: 'release_hold', reason: 'provider_declined' },
      { kind: 'release_slot', holdId: booking.holdId },
    ],
    auditData: reason ? { reason } : undefined,
  });
}
