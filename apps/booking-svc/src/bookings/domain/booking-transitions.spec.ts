import { BookingErrorCode } from '../../shared/domain/booking-error.js';
import type { Booking } from './booking.js';
import * as t from './booking-transitions.js';
import { TEST_RULES, actors, createdChange as newBooking, testReservation } from './booking.fixtures.js';
import { createBooking } from './create-booking.js';

const t0 = new Date('2030-03-01T10:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const { patient, provider, system, admin } = actors;
const rules = TEST_RULES;
const reservation = testReservation({ createdAt: t0 });

function createdChange(bookingType: 'instant' | 'request' = 'request'): t.BookingChange {
  return newBooking({ reservation, bookingType, now: at(1) });
}

function created(bookingType: 'instant' | 'request' = 'request'): Booking {
  return createdChange(bookingType).booking;
}

const window = { retryWindowMs: 60 * 60_000 };

const pending = () => t.recordHoldPlaced(created(), 'pi_1', rules, { actor: system, now: at(2) }).booking;

describe('booking transitions', () => {
  it('creates a pending_payment booking with a snapshot, the platform fee and its first audit entry', () => {
    const booking = created();
    expect(booking).toMatchObject({
      status: 'pending_payment',
      holdId: 'r1',
      version: 1,
      payment: { originalAmountCents: 10_000, platformFee: { calculatedFeeCents: 1150 } },
    });
    expect(createdChange().audit).toEqual([expect.objectContaining({ eventType: 'created', previousStatus: 'slot_reserved', newStatus: 'pending_payment' })]);
    // The trail is not part of the booking: its entries travel with each change (and on to the audit collection).
    expect(booking).not.toHaveProperty('audit');
  });

  it('refuses to convert another patient’s or a lapsed reservation', () => {
    const input = {
      id: 'b',
      bookingNumber: 'FH-1',
      reservation,
      service: created().service,
      bookingType: 'request' as const,
      providerTimezone: 'UTC',
      patientTimezone: 'UTC',
      maxRescheduleAttempts: 2,
      feePolicy: { percentage: 10, flatFeeCents: 150, maxFeeCents: 3500 },
    };
    expect(() => createBooking(input, { actor: { type: 'patient', id: 'u2' }, now: at(1) })).toThrow(
      expect.objectContaining({ code: BookingErrorCode.ReservationNotFound }),
    );
    expect(() => createBooking(input, { actor: patient, now: at(5) })).toThrow(expect.objectContaining({ code: BookingErrorCode.ReservationExpired }));
  });

  it('runs the request flow: hold → pending_confirmation with a deadline → confirm → confirmed on capture', () => {
    const first = createdChange();
    const held = t.recordHoldPlaced(first.booking, 'pi_1', rules, { actor: system, now: at(2) });
    const waiting = held.booking;
    expect(waiting.status).toBe('pending_confirmation');
    expect(waiting.confirmation.expiresAt).toEqual(new Date(at(2).getTime() + 24 * 3_600_000));
    const confirmed = t.confirm(waiting, { actor: provider, now: at(60) });
    expect(confirmed.booking.status).toBe('pending_confirmation');
    expect(confirmed.effects).toEqual([{ kind: 'capture', amountCents: 10_000, reason: 'provider_confirmed' }]);
    const captured = t.recordCaptured(confirmed.booking, 10_000, { actor: system, now: at(61) });
    expect(captured.booking).toMatchObject({ status: 'confirmed', payment: { status: 'captured', capturedAmountCents: 10_000 } });
    const trail = [first, held, confirmed, captured].flatMap((change) => change.audit);
    expect(trail.map((a) => a.eventType)).toEqual(['created', 'payment_held', 'confirmed', 'payment_captured']);
    // One audit entry per change: the version counts them.
    expect(captured.booking.version).toBe(trail.length);
  });

  it('runs the instant flow: hold → capture → confirmed', () => {
    const held = t.recordHoldPlaced(created('instant'), 'pi_1', rules, { actor: system, now: at(2) });
    expect(held.booking.status).toBe('pending_payment');
    expect(held.effects).toEqual([{ kind: 'capture', amountCents: 10_000, reason: 'instant_booking' }]);
    expect(t.recordCaptured(held.booking, 10_000, { actor: system, now: at(3) }).booking.status).toBe('confirmed');
  });

  it('confirms an instant booking whose hold was captured as it was placed, keeping the payment intent it first hears of', () => {
    const paid = t.recordCaptured(created('instant'), 10_000, { actor: system, now: at(2) }, 'pi_9');
    expect(paid.booking).toMatchObject({ status: 'confirmed', payment: { status: 'captured', paymentIntentId: 'pi_9', capturedAmountCents: 10_000 } });
    expect(paid.effects).toEqual([]);
    // The intent a hold already recorded is kept.
    const held = t.recordHoldPlaced(created('instant'), 'pi_1', rules, { actor: system, now: at(2) }).booking;
    expect(t.recordCaptured(held, 10_000, { actor: system, now: at(3) }, 'pi_other').booking.payment.paymentIntentId).toBe('pi_1');
    // Paying again after a failed payment: the new intent replaces the one that failed.
    const failed = t.recordPaymentFailed(held, 'capture', 'card_declined', window.retryWindowMs, { actor: system, now: at(4) }).booking;
    const retried = t.retryPayment(failed, { actor: patient, now: at(5) }).booking;
    expect(retried.payment).toMatchObject({ status: 'pending', paymentIntentId: 'pi_1' });
    expect(t.recordCaptured(retried, 10_000, { actor: system, now: at(6) }, 'pi_2').booking).toMatchObject({
      status: 'confirmed',
      payment: { status: 'captured', paymentIntentId: 'pi_2' },
    });
  });

  it('lets a confirm and an expiry of the same version have one winner', () => {
    const waiting = pending();
    const deadline = waiting.confirmation.expiresAt!;
    // Expiry first: the confirm that read the same version now meets an expired booking.
    const expired = t.expire(waiting, 'confirmation', { actor: system, now: deadline }).booking;
    expect(expired.status).toBe('expired');
    expect(() => t.confirm(expired, { actor: provider, now: deadline })).toThrow(expect.objectContaining({ code: BookingErrorCode.InvalidTransition }));
    // Confirm first: the expiry finds an answered request.
    const answered = t.confirm(waiting, { actor: provider, now: at(100) }).booking;
    expect(() => t.expire(answered, 'confirmation', { actor: system, now: deadline })).toThrow(
      expect.objectContaining({ code: BookingErrorCode.InvalidTransition }),
    );
    // And a confirm after the deadline, before the expiry command arrived, is refused as expired.
    expect(() => t.confirm(waiting, { actor: provider, now: deadline })).toThrow(expect.objectContaining({ code: BookingErrorCode.BookingExpired }));
  });

  it('declines: cancelled_provider, hold released, slot freed', () => {
    const change = t.decline(pending(), 'fully booked', { actor: provider, now: at(10) });
    expect(change.booking.status).toBe('cancelled_provider');
    expect(change.effects).toEqual([
      { kind: 'release_hold', reason: 'provider_declined' },
      { kind: 'release_slot', holdId: 'r1' },
    ]);
  });

  it('reschedules within the attempt limit; the patient accepts (moves, captures) or declines (cancels)', () => {
    const proposal = { start: new Date('2030-03-11T16:00:00Z'), end: new Date('2030-03-11T16:30:00Z'), holdId: 'b1:r1' };
    const proposed = t.proposeReschedule(pending(), proposal, rules, { actor: provider, now: at(10) });
    expect(proposed.booking).toMatchObject({ status: 'reschedule_proposed', reschedule: { count: 1 } });
    expect(proposed.effects).toEqual([{ kind: 'claim_slot', holdId: 'b1:r1', start: proposal.start, end: proposal.end }]);

    const accepted = t.acceptReschedule(proposed.booking, { actor: patient, now: at(20) });
    expect(accepted.booking).toMatchObject({
      holdId: 'b1:r1',
      dateTime: { confirmedStart: proposal.start },
      reschedule: { history: [expect.objectContaining({ accepted: true })] },
    });
    expect(accepted.effects.map((e) => e.kind)).toEqual(['make_slot_permanent', 'release_slot', 'capture']);
    expect(t.recordCaptured(accepted.booking, 10_000, { actor: system, now: at(21) }).booking.status).toBe('confirmed');

    const declined = t.declineReschedule(proposed.booking, { actor: patient, now: at(20) });
    expect(declined.booking.status).toBe('cancelled_patient');
    expect(declined.effects).toContainEqual({ kind: 'release_slot', holdId: 'b1:r1' });

    const exhausted: Booking = { ...pending(), reschedule: { count: 2, maxAttempts: 2, history: [] } };
    expect(() => t.proposeReschedule(exhausted, proposal, rules, { actor: provider, now: at(10) })).toThrow(
      expect.objectContaining({ code: BookingErrorCode.RescheduleLimitReached }),
    );
  });

  it('charges the cancellation fee only to a patient cancelling a confirmed booking inside the notice window', () => {
    const confirmed = t.recordCaptured(t.confirm(pending(), { actor: provider, now: at(10) }).booking, 10_000, { actor: system, now: at(11) }).booking;
    const late = t.cancel(confirmed, 'sick', rules, { actor: patient, now: new Date('2030-03-10T06:00:00Z') });
    expect(late.booking).toMatchObject({ status: 'cancelled_patient', cancellation: { feeCents: 5000 } });
    expect(late.effects).toContainEqual({ kind: 'refund', amountCents: 5000, reason: 'cancelled_by_patient', initiatedBy: 'patient' });
    const early = t.cancel(confirmed, undefined, rules, { actor: patient, now: at(20) });
    expect(early.effects).toContainEqual({ kind: 'refund', amountCents: 10_000, reason: 'cancelled_by_patient', initiatedBy: 'patient' });
    const byProvider = t.cancel(confirmed, 'closed', rules, { actor: provider, now: new Date('2030-03-10T06:00:00Z') });
    expect(byProvider.booking.status).toBe('cancelled_provider');
    expect(byProvider.effects).toContainEqual({ kind: 'refund', amountCents: 10_000, reason: 'cancelled_by_provider', initiatedBy: 'provider' });
    expect(t.cancel(pending(), undefined, rules, { actor: patient, now: at(5) }).effects).toContainEqual({
      kind: 'release_hold',
      reason: 'cancelled_by_patient',
    });
  });

  it('refuses a cancellation while a capture is in flight, and refunds a capture that lands after the end', () => {
    const answered = t.confirm(pending(), { actor: provider, now: at(10) }).booking;
    expect(() => t.cancel(answered, undefined, rules, { actor: patient, now: at(11) })).toThrow(
      expect.objectContaining({ code: BookingErrorCode.InvalidTransition }),
    );
    const overridden = t.adminOverride(answered, 'cancelled_admin', 'duplicate booking', { actor: admin, now: at(12) }, window).booking;
    const late = t.recordCaptured(overridden, 10_000, { actor: system, now: at(13) });
    expect(late.booking.status).toBe('cancelled_admin');
    expect(late.effects).toEqual([{ kind: 'refund', amountCents: 10_000, reason: 'captured_after_end', initiatedBy: 'system' }]);
  });

  it('records refunds as payment-svc reports them, once', () => {
    const confirmed = t.recordCaptured(t.confirm(pending(), { actor: provider, now: at(10) }).booking, 10_000, { actor: system, now: at(11) }).booking;
    const refund = { amountCents: 4_000, totalRefundedCents: 4_000, paymentStatus: 'partial_refund' as const, initiatedBy: 'admin', reason: 'goodwill' };
    const partly = t.recordRefunded(confirmed, refund, { actor: system, now: at(12) });
    expect(partly.booking.payment).toMatchObject({ status: 'partial_refund', refundedAmountCents: 4_000 });
    expect(partly.audit[0]).toMatchObject({ eventType: 'payment_refunded', data: refund });
    expect(() => t.recordRefunded(partly.booking, refund, { actor: system, now: at(13) })).toThrow(
      expect.objectContaining({ code: BookingErrorCode.InvalidTransition }),
    );
  });

  it('expires a request whose hold lapses within a day, and escalates a booking whose capture still waits', () => {
    const expiresAt = at(60 * 20);
    const waiting = t.holdExpiring(pending(), expiresAt, { actor: system, now: at(30) });
    expect(waiting.booking).toMatchObject({ status: 'expired', confirmation: { responseType: 'expired' } });
    expect(waiting.effects).toEqual([
      { kind: 'release_hold', reason: 'payment_hold_expiring' },
      { kind: 'release_slot', holdId: 'r1' },
    ]);

    const answered = t.confirm(pending(), { actor: provider, now: at(10) }).booking; // capture requested, held back by the kill switch
    const escalated = t.holdExpiring(answered, expiresAt, { actor: system, now: at(30) });
    expect(escalated.booking.status).toBe('pending_confirmation');
    expect(escalated.effects).toEqual([]);
    expect(escalated.audit[0]).toMatchObject({ eventType: 'payment_hold_expiring', data: { needsAdmin: true } });

    // Then the hold lapses at Stripe: the booking cannot be paid, so it expires and frees its slot.
    const lapsed = t.recordHoldReleased(escalated.booking, 'expired', { actor: system, now: at(60 * 21) });
    expect(lapsed.booking).toMatchObject({ status: 'expired', payment: { status: 'cancelled' } });
    expect(lapsed.effects).toEqual([{ kind: 'release_slot', holdId: 'r1' }]);

    const confirmed = t.recordCaptured(answered, 10_000, { actor: system, now: at(11) }).booking;
    expect(() => t.holdExpiring(confirmed, expiresAt, { actor: system, now: at(30) })).toThrow(
      expect.objectContaining({ code: BookingErrorCode.InvalidTransition }),
    );
  });

  it('records a release it asked for without touching the booking’s status', () => {
    const declined = t.decline(pending(), 'busy', { actor: provider, now: at(10) }).booking;
    const released = t.recordHoldReleased(declined, 'provider_declined', { actor: system, now: at(11) });
    expect(released.booking).toMatchObject({ status: declined.status, payment: { status: 'cancelled' } });
    expect(released.audit[0]?.eventType).toBe('payment_released');
  });

  it('flags a disputed charge and a lost dispute for an admin without touching the booking, once each', () => {
    const confirmed = t.recordCaptured(t.confirm(pending(), { actor: provider, now: at(10) }).booking, 10_000, { actor: system, now: at(11) }).booking;
    const dispute = { disputeId: 'dp_1', amountCents: 10_000, reason: 'fraudulent' };
    const opened = t.recordDisputeOpened(confirmed, dispute, { actor: system, now: at(12) });
    expect(opened.booking).toMatchObject({ status: 'confirmed', payment: confirmed.payment });
    expect(opened.effects).toEqual([]);
    expect(opened.audit[0]).toMatchObject({ eventType: 'payment_disputed', data: { ...dispute, needsAdmin: true } });
    expect(() => t.recordDisputeOpened(opened.booking, dispute, { actor: system, now: at(13) })).toThrow(
      expect.objectContaining({ code: BookingErrorCode.InvalidTransition }),
    );

    const lost = t.recordDisputeClosed(opened.booking, { disputeId: 'dp_1', amountCents: 10_000, outcome: 'lost' }, { actor: system, now: at(14) });
    expect(lost.audit[0]).toMatchObject({ eventType: 'payment_dispute_closed', data: { outcome: 'lost', needsAdmin: true } });
    const won = t.recordDisputeClosed(opened.booking, { disputeId: 'dp_1', amountCents: 10_000, outcome: 'won' }, { actor: system, now: at(14) });
    expect(won.audit[0]?.data).not.toHaveProperty('needsAdmin');
    expect(() => t.recordDisputeClosed(lost.booking, { disputeId: 'dp_1', amountCents: 10_000, outcome: 'lost' }, { actor: system, now: at(15) })).toThrow(
      expect.objectContaining({ code: BookingErrorCode.InvalidTransition }),
    );
  });

  it('walks the visit: check-in, start, complete; no-show from confirmed', () => {
    const confirmed = t.recordCaptured(t.confirm(pending(), { actor: provider, now: at(10) }).booking, 10_000, { actor: system, now: at(11) }).booking;
    const done = [t.checkIn, t.startVisit, t.complete].reduce((b, step) => step(b, { actor: provider, now: at(20) }).booking, confirmed);
    expect(done.status).toBe('completed');
    expect(t.markNoShow(confirmed, { actor: provider, now: at(20) }).booking.status).toBe('no_show');
    expect(() => t.checkIn(done, { actor: provider, now: at(30) })).toThrow(expect.objectContaining({ code: BookingErrorCode.InvalidTransition }));
  });

  it('keeps others out: a stranger gets not-found, the wrong party forbidden', () => {
    expect(() => t.confirm(pending(), { actor: { type: 'provider', id: 'p2' }, now: at(10) })).toThrow(
      expect.objectContaining({ code: BookingErrorCode.BookingNotFound }),
    );
    expect(() => t.confirm(pending(), { actor: patient, now: at(10) })).toThrow(expect.objectContaining({ code: BookingErrorCode.Forbidden }));
  });

  it('lets an admin override to any status with a reason, audited, the hold released and the slot freed', () => {
    const change = t.adminOverride(pending(), 'cancelled_admin', 'fraud check', { actor: admin, now: at(10) }, window);
    expect(change.booking.status).toBe('cancelled_admin');
    expect(change.audit).toEqual([expect.objectContaining({ eventType: 'admin_override', data: { reason: 'fraud check' } })]);
    expect(change.effects).toEqual([
      { kind: 'release_hold', reason: 'admin_override' },
      { kind: 'release_slot', holdId: 'r1' },
    ]);
    expect(() => t.adminOverride(pending(), 'confirmed', ' ', { actor: admin, now: at(10) }, window)).toThrow(
      expect.objectContaining({ code: BookingErrorCode.ValidationFailed }),
    );
    expect(() => t.adminOverride(pending(), 'confirmed', 'x', { actor: provider, now: at(10) }, window)).toThrow(
      expect.objectContaining({ code: BookingErrorCode.Forbidden }),
    );
  });

  it('refunds what remains captured when an admin cancels a paid booking, and takes the money when one confirms a held one', () => {
    const paid = t.recordCaptured(t.confirm(pending(), { actor: provider, now: at(10) }).booking, 10_000, { actor: system, now: at(11) }).booking;
    const partly = t.recordRefunded(
      paid,
      { amountCents: 3_000, totalRefundedCents: 3_000, paymentStatus: 'partial_refund' },
      { actor: system, now: at(12) },
    ).booking;
    expect(t.adminOverride(partly, 'cancelled_admin', 'provider left', { actor: admin, now: at(13) }, window).effects).toEqual([
      { kind: 'refund', amountCents: 7_000, reason: 'admin_override', initiatedBy: 'admin' },
      { kind: 'release_slot', holdId: 'r1' },
    ]);
    const confirmedByAdmin = t.adminOverride(pending(), 'confirmed', 'provider asked by phone', { actor: admin, now: at(13) }, window);
    expect(confirmedByAdmin.booking).toMatchObject({ status: 'confirmed', payment: { status: 'capture_requested' } });
    expect(confirmedByAdmin.effects).toEqual([{ kind: 'capture', amountCents: 10_000, reason: 'admin_override' }]);
    // Its capture lands on a confirmed booking: recorded, nothing refunded.
    expect(t.recordCaptured(confirmedByAdmin.booking, 10_000, { actor: system, now: at(14) }).effects).toEqual([]);
  });

  it('claims the slot again when an admin brings an ended booking back, and refuses one without money to take', () => {
    const paid = t.recordCaptured(t.confirm(pending(), { actor: provider, now: at(10) }).booking, 10_000, { actor: system, now: at(11) }).booking;
    const ended = t.adminOverride(paid, 'no_show', 'marked by mistake', { actor: admin, now: at(12) }, window).booking;
    const back = t.adminOverride(ended, 'confirmed', 'the patient came', { actor: admin, now: at(13) }, window);
    expect(back.booking.holdId).toBe(`b1:override:${ended.version + 1}`);
    expect(back.effects).toEqual([
      { kind: 'claim_slot', holdId: back.booking.holdId, start: reservation.startTime, end: reservation.endTime },
      { kind: 'make_slot_permanent', holdId: back.booking.holdId, bookingId: back.booking.id },
    ]);
    const released = t.recordHoldReleased(t.decline(pending(), undefined, { actor: provider, now: at(10) }).booking, 'provider_declined', {
      actor: system,
      now: at(11),
    }).booking;
    expect(() => t.adminOverride(released, 'confirmed', 'by phone', { actor: admin, now: at(12) }, window)).toThrow(
      expect.objectContaining({ code: BookingErrorCode.InvalidTransition, details: expect.objectContaining({ reason: 'payment_not_available' }) }),
    );
    expect(t.adminOverride(released, 'payment_failed', 'let the patient pay again', { actor: admin, now: at(12) }, window).booking.payment.retryUntil).toEqual(
      new Date(at(12).getTime() + window.retryWindowMs),
    );
  });

  it('records when a booking is first confirmed', () => {
    const confirmed = t.recordCaptured(t.confirm(pending(), { actor: provider, now: at(10) }).booking, 10_000, { actor: system, now: at(11) }).booking;
    expect(confirmed.confirmedAt).toEqual(at(11));
    const noShow = t.adminOverride(confirmed, 'no_show', 'x', { actor: admin, now: at(12) }, window).booking;
    expect(t.adminOverride(noShow, 'confirmed', 'undo', { actor: admin, now: at(13) }, window).booking.confirmedAt).toEqual(at(11));
  });

  it('flags a booking for an admin when a change asks for one, keeps the first time, and clears it when an admin deals with it', () => {
    const answered = t.confirm(pending(), { actor: provider, now: at(10) }).booking;
    const escalated = t.holdExpiring(answered, at(60 * 20), { actor: system, now: at(30) }).booking;
    expect(escalated).toMatchObject({ needsAdmin: true, needsAdminSince: at(30), needsAdminReason: 'payment_hold_expiring' });
    const again = t.holdExpiring(escalated, at(60 * 20), { actor: system, now: at(40) }).booking;
    expect(again.needsAdminSince).toEqual(at(30));
    expect(() => t.acknowledge(again, 'called the patient', { actor: provider, now: at(50) })).toThrow(
      expect.objectContaining({ code: BookingErrorCode.Forbidden }),
    );
    const acknowledged = t.acknowledge(again, 'captures switched back on', { actor: admin, now: at(50) });
    expect(acknowledged.booking).not.toHaveProperty('needsAdmin');
    expect(acknowledged.booking).not.toHaveProperty('needsAdminSince');
    expect(acknowledged.audit[0]).toMatchObject({
      eventType: 'admin_acknowledged',
      data: { note: 'captures switched back on', reason: 'payment_hold_expiring' },
    });
    expect(() => t.acknowledge(acknowledged.booking, 'again', { actor: admin, now: at(51) })).toThrow(
      expect.objectContaining({ code: BookingErrorCode.InvalidTransition }),
    );
    expect(t.adminOverride(again, 'cancelled_admin', 'ended', { actor: admin, now: at(52) }, window).booking).not.toHaveProperty('needsAdmin');
  });

  describe('failure paths (docs/failure-model.md)', () => {
    const failedHold = () => t.recordPaymentFailed(created(), 'hold', 'card_declined', window.retryWindowMs, { actor: system, now: at(2) }).booking;

    it('gives a failed payment a retry window, then expires it, releasing the slot', () => {
      const failed = failedHold();
      expect(failed).toMatchObject({ status: 'payment_failed', payment: { status: 'failed', retryUntil: at(62) } });
      expect(t.retryPayment(failed, { actor: patient, now: at(30) }).booking).toMatchObject({ status: 'pending_payment', payment: { status: 'pending' } });
      expect(() => t.retryPayment(failed, { actor: patient, now: at(62) })).toThrow(expect.objectContaining({ code: BookingErrorCode.BookingExpired }));
      expect(() => t.expire(failed, 'payment_retry', { actor: system, now: at(61) })).toThrow(
        expect.objectContaining({ code: BookingErrorCode.InvalidTransition }),
      );
      const lapsed = t.expire(failed, 'payment_retry', { actor: system, now: at(62) });
      expect(lapsed.booking.status).toBe('expired');
      expect(lapsed.audit[0]?.data).toEqual({ lapse: 'payment_retry' });
      expect(lapsed.effects).toEqual([
        { kind: 'release_hold', reason: 'payment_retry_expired' },
        { kind: 'release_slot', holdId: 'r1' },
      ]);
    });

    it('never lets the retry window run past the appointment', () => {
      const soon = { ...created(), dateTime: { ...created().dateTime, requestedStart: at(20), requestedEnd: at(50) } };
      expect(t.recordPaymentFailed(soon, 'hold', 'card_declined', window.retryWindowMs, { actor: system, now: at(2) }).booking.payment.retryUntil).toEqual(
        at(20),
      );
    });

    it('lets either party cancel a failed payment, freeing the slot', () => {
      expect(t.cancel(failedHold(), undefined, rules, { actor: patient, now: at(5) })).toMatchObject({
        booking: { status: 'cancelled_patient' },
        effects: [{ kind: 'release_slot', holdId: 'r1' }],
      });
      expect(t.cancel(failedHold(), 'no payment', rules, { actor: provider, now: at(5) }).booking.status).toBe('cancelled_provider');
    });

    it('sends a request whose capture failed after the provider confirmed to payment_failed; a retry is captured at once', () => {
      const answered = t.confirm(pending(), { actor: provider, now: at(10) }).booking;
      const failed = t.recordPaymentFailed(answered, 'capture', 'expired_card', window.retryWindowMs, { actor: system, now: at(11) });
      expect(failed.booking).toMatchObject({ status: 'payment_failed', payment: { status: 'failed', retryUntil: at(71) } });
      expect(failed.audit[0]).toMatchObject({ previousStatus: 'pending_confirmation', data: { stage: 'capture', reason: 'expired_card' } });
      // Cancelling now lets go of the authorisation that may remain.
      expect(t.cancel(failed.booking, undefined, rules, { actor: patient, now: at(12) }).effects).toContainEqual({
        kind: 'release_hold',
        reason: 'cancelled_by_patient',
      });
      const retried = t.retryPayment(failed.booking, { actor: patient, now: at(20) }).booking;
      const held = t.recordHoldPlaced(retried, 'pi_2', rules, { actor: system, now: at(21) });
      expect(held.booking.status).toBe('pending_payment');
      expect(held.effects).toEqual([{ kind: 'capture', amountCents: 10_000, reason: 'payment_retried' }]);
      expect(t.recordCaptured(held.booking, 10_000, { actor: system, now: at(22) }).booking.status).toBe('confirmed');
    });

    it('releases a hold that arrives for a booking the patient cancelled while the card was being authorised', () => {
      const cancelled = t.cancel(created(), undefined, rules, { actor: patient, now: at(2) });
      expect(cancelled.effects).toEqual([{ kind: 'release_slot', holdId: 'r1' }]);
      const late = t.recordHoldPlaced(cancelled.booking, 'pi_1', rules, { actor: system, now: at(3) });
      expect(late.booking).toMatchObject({ status: 'cancelled_patient', payment: { status: 'held', paymentIntentId: 'pi_1' } });
      expect(late.effects).toEqual([{ kind: 'release_hold', reason: 'booking_ended' }]);
      // Once released, a redelivered hold is stale.
      const released = t.recordHoldReleased(late.booking, 'booking_ended', { actor: system, now: at(4) }).booking;
      expect(() => t.recordHoldPlaced(released, 'pi_1', rules, { actor: system, now: at(5) })).toThrow(
        expect.objectContaining({ code: BookingErrorCode.InvalidTransition }),
      );
    });

    it('never sets a confirmation deadline after the appointment starts, and refuses a confirmation once it has', () => {
      const soon = { ...created(), dateTime: { ...created().dateTime, requestedStart: at(120), requestedEnd: at(150) } };
      const waiting = t.recordHoldPlaced(soon, 'pi_1', rules, { actor: system, now: at(2) }).booking;
      expect(waiting.confirmation.expiresAt).toEqual(at(120));
      const legacy = { ...waiting, confirmation: { ...waiting.confirmation, expiresAt: at(60 * 48) } }; // written before the cap
      expect(() => t.confirm(legacy, { actor: provider, now: at(121) })).toThrow(expect.objectContaining({ code: BookingErrorCode.BookingExpired }));
    });

    it('names what lapsed in each expiry', () => {
      const waiting = pending();
      expect(t.expire(waiting, 'confirmation', { actor: system, now: waiting.confirmation.expiresAt! }).audit[0]?.data).toEqual({ lapse: 'confirmation' });
      expect(t.holdExpiring(waiting, at(60 * 20), { actor: system, now: at(30) }).audit[0]?.data).toMatchObject({ lapse: 'payment_hold' });
      const proposal = { start: new Date('2030-03-11T16:00:00Z'), end: new Date('2030-03-11T16:30:00Z'), holdId: 'b1:r1' };
      const proposed = t.proposeReschedule(waiting, proposal, rules, { actor: provider, now: at(10) }).booking;
      expect(t.expire(proposed, 'reschedule_response', { actor: system, now: proposed.reschedule.current!.responseDeadline }).audit[0]?.data).toEqual({
        lapse: 'reschedule_response',
      });
    });

    it('marks an auto-confirmed request as such when its hold is placed', () => {
      const held = t.recordHoldPlaced(created(), 'pi_1', rules, { actor: system, now: at(2) }, { autoConfirm: true });
      expect(held.booking).toMatchObject({ status: 'pending_confirmation', confirmation: { autoConfirm: true } });
      expect(t.confirm(held.booking, { actor: { type: 'system', id: 'auto-confirm' }, now: at(2) }).effects).toEqual([
        { kind: 'capture', amountCents: 10_000, reason: 'provider_confirmed' },
      ]);
    });
  });
});
