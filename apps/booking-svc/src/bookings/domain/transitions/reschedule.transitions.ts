import { BookingError, BookingErrorCode } from '../../../shared/domain/booking-error.js';
import type { Booking } from '../booking.js';
import { currentTimes } from '../booking.js';
import { type BookingChange, type TransitionContext, type TransitionRules, change } from './booking-change.js';
import { assertAwaitingProvider } from './provider-decision.transitions.js';
import { assertParty, assertStatus } from './transition-guards.js';

/** The provider proposes a new time instead of confirming; the patient accepts or declines it. */

export function proposeReschedule(
  booking: Booking,
  proposal: { start: Date; end: Date; holdId: string; message?: string },
  rules: TransitionRules,
  ctx: TransitionContext,
): BookingChange {
  assertParty(booking, ctx.actor, 'provider');
  assertAwaitingProvider(booking, ctx.now);
  if (!rules.allowReschedule) throw new BookingError(BookingErrorCode.RescheduleNotAllowed, 'This provider does not offer reschedules');
  if (booking.reschedule.count >= booking.reschedule.maxAttempts)
    throw new BookingError(BookingErrorCode.RescheduleLimitReached, `At most ${booking.reschedule.maxAttempts} reschedule proposals`);
  if (proposal.start.getTime() <= ctx.now.getTime()) throw new BookingError(BookingErrorCode.SlotInPast, 'The proposed time has already started');
  const deadline = new Date(Math.min(ctx.now.getTime() + rules.rescheduleNoticeHours * 3_600_000, proposal.start.getTime()));
  const { start, end } = currentTimes(booking);
  const current = {
    proposedBy: 'provider' as const,
    proposedAt: ctx.now,
    proposedStart: proposal.start,
    proposedEnd: proposal.end,
    responseDeadline: deadline,
    holdId: proposal.holdId,
    ...(proposal.message ? { message: proposal.message } : {}),
  };
  const attempt = {
    attemptNumber: booking.reschedule.count + 1,
    fromStart: start,
    fromEnd: end,
    toStart: proposal.start,
    toEnd: proposal.end,
    proposedBy: 'provider' as const,
    proposedAt: ctx.now,
    ...(proposal.message ? { message: proposal.message } : {}),
  };
  return change(booking, ctx, {
    event: 'reschedule_proposed',
    to: 'reschedule_proposed',
    patch: {
      confirmation: { ...booking.confirmation, respondedAt: ctx.now },
      reschedule: { ...booking.reschedule, count: booking.reschedule.count + 1, current, history: [...booking.reschedule.history, attempt] },
    },
    effects: [{ kind: 'claim_slot', holdId: proposal.holdId, start: proposal.start, end: proposal.end }],
    auditData: { proposedStart: proposal.start, proposedEnd: proposal.end, responseDeadline: deadline },
  });
}

export function closeProposal(booking: Booking, now: Date, accepted: boolean): Booking['reschedule'] {
  const history = booking.reschedule.history.map((h, i, all) => (i === all.length - 1 ? { ...h, respondedAt: now, accepted } : h));
  const { current: _closed, ...rest } = booking.reschedule;
  return { ...rest, history };
}

function assertProposalOpen(booking: Booking, now: Date) {
  assertStatus(booking, ['reschedule_proposed'], 'answer the reschedule of');
  const proposal = booking.reschedule.current;
  if (!proposal || booking.confirmation.responseType === 'rescheduled')
    throw new BookingError(BookingErrorCode.InvalidTransition, 'There is no open reschedule proposal');
  if (now.getTime() >= proposal.responseDeadline.getTime()) throw new BookingError(BookingErrorCode.BookingExpired, 'The reschedule proposal has expired');
  return proposal;
}

/** The patient takes the new time: the booking moves, the old slot is freed, the hold is captured. */
export function acceptReschedule(booking: Booking, ctx: TransitionContext): BookingChange {
  assertParty(booking, ctx.actor, 'patient');
  const proposal = assertProposalOpen(booking, ctx.now);
  return change(booking, ctx, {
    event: 'reschedule_accepted',
    patch: {
      holdId: proposal.holdId,
      dateTime: { ...booking.dateTime, confirmedStart: proposal.proposedStart, confirmedEnd: proposal.proposedEnd },
      confirmation: { ...booking.confirmation, responseType: 'rescheduled' },
      reschedule: closeProposal(booking, ctx.now, true),
      payment: { ...booking.payment, status: 'capture_requested' },
    },
    effects: [
      { kind: 'make_slot_permanent', holdId: proposal.holdId, bookingId: booking.id },
      { kind: 'release_slot', holdId: booking.holdId },
      { kind: 'capture', amountCents: booking.payment.originalAmountCents, reason: 'reschedule_accepted' },
    ],
    auditData: { start: proposal.proposedStart, end: proposal.proposedEnd },
  });
}

export function declineReschedule(booking: Booking, ctx: TransitionContext): BookingChange {
  assertParty(booking, ctx.actor, 'patient');
  const proposal = assertProposalOpen(booking, ctx.now);
  return change(booking, ctx, {
    event: 'reschedule_declined',
    to: 'cancelled_patient',
    patch: {
      reschedule: closeProposal(booking, ctx.now, false),
      cancellation: { by: 'patient', reason: 'reschedule_declined', at: ctx.now, feePercent: 0, feeCents: 0 },
    },
    effects: [
      { kind: 'release_hold', reason: 'reschedule_declined' },
      { kind: 'release_slot', holdId: booking.holdId },
      { kind: 'release_slot', holdId: proposal.holdId },
    ],
  });
}
