import type { BookingRecord, Findings, HoldRecord, PaymentRecord, PlatformSnapshot, Violation } from './snapshot.js';

/** The statuses in which a booking holds its time (booking-svc's SLOT_HOLDING_STATUSES; slot_reserved is a reservation). */
const HOLDS_SLOT = new Set([
  'pending_payment',
  'pending_confirmation',
  'reschedule_proposed',
  'reschedule_pending',
  'confirmed',
  'checked_in',
  'in_progress',
  'payment_failed',
]);
const TERMINAL = new Set(['completed', 'cancelled_patient', 'cancelled_provider', 'cancelled_admin', 'expired', 'no_show']);
/** Statuses in which the visit happens (or the patient failed to come): the money is taken. */
const TAKES_PLACE = new Set(['confirmed', 'checked_in', 'in_progress', 'completed', 'no_show']);
const CAPTURED = new Set(['captured', 'partial_refund', 'refunded']);

function times(booking: BookingRecord): { start: number; end: number } {
  const start = booking.dateTime.confirmedStart ?? booking.dateTime.requestedStart;
  const end = booking.dateTime.confirmedEnd ?? booking.dateTime.requestedEnd;
  return { start: new Date(start).getTime(), end: new Date(end).getTime() + (booking.dateTime.bufferMinutes ?? 0) * 60_000 };
}

/** The hold ids a booking may have claimed time under: its own and each reschedule proposal's. */
function holdIdsOf(booking: BookingRecord): string[] {
  const proposals = Array.from({ length: booking.reschedule?.count ?? 0 }, (_, i) => `${booking._id}:reschedule:${i + 1}`);
  return [booking.holdId, ...proposals];
}

/** What the patient should have paid, net, for a booking in this state (refunds an admin chose to make come off). */
function owedCents(booking: BookingRecord, payment: PaymentRecord): number {
  const adminRefunded = (payment.refunds ?? []).filter((r) => r.initiatedBy === 'admin').reduce((sum, r) => sum + r.amountCents, 0);
  let owed = 0;
  if (TAKES_PLACE.has(booking.status)) owed = payment.amountCents;
  else if (booking.status === 'cancelled_patient') owed = booking.cancellation?.feeCents ?? 0;
  else if (!TERMINAL.has(booking.status) && payment.awaitingConfirmation) owed = payment.amountCents; // charged up front, waiting for the provider
  return Math.max(0, owed - adminRefunded);
}

/**
 * Checks the platform's records against the rules every booking must keep (docs/failure-model.md):
 * an ended booking holds no slot and no authorisation; a live one holds its slot; the money kept is
 * what its state owes; a booking that takes place is captured (or listed as deferred by the kill
 * switch); a provider's live bookings never overlap; every waiting booking has a live deadline timer;
 * every payment belongs to a booking; Stripe agrees with payment-svc.
 */
export function findViolations(snapshot: PlatformSnapshot): Findings {
  const violations: Violation[] = [];
  const deferredCaptures: string[] = [];
  const flag = (rule: string, bookingId: string, detail: string) => violations.push({ rule, bookingId, detail });
  const now = snapshot.now.getTime();
  const payments = new Map(snapshot.payments.map((p) => [p._id, p]));
  const bookings = new Map(snapshot.bookings.map((b) => [b._id, b]));
  // As booking-svc's SlotClaimStore counts them: a hold that names its booking counts until it lapses,
  // then (or once permanent) while that booking holds it; any other until it lapses, or for ever.
  const counts = (hold: HoldRecord) => {
    if (hold.expiresAt && new Date(hold.expiresAt).getTime() > now) return true;
    if (!hold.bookingId) return !hold.expiresAt;
    const booking = bookings.get(hold.bookingId);
    return Boolean(booking) && booking!.holdId === hold._id && HOLDS_SLOT.has(booking!.status);
  };
  const liveHolds = new Set(snapshot.holds.filter(counts).map((h) => h._id));
  const timers = snapshot.timers && new Map(snapshot.timers.map((t) => [t._id, t]));

  for (const booking of snapshot.bookings) {
    const id = booking._id;
    const payment = payments.get(id);
    if (TERMINAL.has(booking.status)) {
      const held = holdIdsOf(booking).filter((holdId) => liveHolds.has(holdId));
      if (held.length > 0) flag('ended-booking-holds-slot', id, `${booking.status} but still holds ${held.join(', ')}`);
      if (payment?.status === 'held')
        flag('ended-booking-authorised', id, `${booking.status} but its card authorisation ${payment.paymentIntentId ?? ''} is still held`);
    }
    if (HOLDS_SLOT.has(booking.status) && !liveHolds.has(booking.holdId))
      flag('live-booking-without-slot', id, `${booking.status} but its hold ${booking.holdId} is gone`);
    const uncaptured = TAKES_PLACE.has(booking.status) && !CAPTURED.has(payment?.status ?? '');
    if (uncaptured) {
      if (payment?.captureWaiting) deferredCaptures.push(id);
      else flag('confirmed-not-captured', id, `${booking.status} but its payment is ${payment?.status ?? 'missing'}`);
    }
    if (payment && !uncaptured && !payment.refundPending) {
      const kept = payment.capturedCents - payment.refundedCents;
      const owed = owedCents(booking, payment);
      if (kept !== owed)
        flag(
          'money-mismatch',
          id,
          `${booking.status}: kept ${kept} cents (captured ${payment.capturedCents} − refunded ${payment.refundedCents}), owed ${owed}`,
        );
    }
    const deadline = deadlineTimerOf(booking);
    if (deadline && timers && timers.get(`${deadline}:${id}`)?.status !== 'scheduled')
      flag('waiting-without-deadline', id, `${booking.status} but its ${deadline} timer is ${timers.get(`${deadline}:${id}`)?.status ?? 'missing'}`);
  }

  for (const payment of snapshot.payments) {
    if (!bookings.has(payment._id)) flag('payment-without-booking', payment._id, `payment ${payment.status} of ${payment.capturedCents} cents has no booking`);
    const intent = payment.paymentIntentId ? snapshot.intents?.get(payment.paymentIntentId) : undefined;
    if (!intent) continue;
    if (intent.status === 'requires_capture' && payment.status !== 'held')
      flag('stripe-authorisation-unknown', payment._id, `Stripe holds ${intent.id} but payment-svc has the payment ${payment.status}`);
    if (intent.status === 'succeeded' && intent.amountReceived !== payment.capturedCents)
      flag('stripe-capture-mismatch', payment._id, `Stripe captured ${intent.amountReceived} cents of ${intent.id}, payment-svc ${payment.capturedCents}`);
  }

  for (const [providerId, live] of groupBy(
    snapshot.bookings.filter((b) => HOLDS_SLOT.has(b.status)),
    (b) => b.providerId,
  )) {
    const sorted = live.map((b) => ({ id: b._id, ...times(b) })).sort((a, b) => a.start - b.start);
    for (let i = 1; i < sorted.length; i++) {
      const [before, after] = [sorted[i - 1]!, sorted[i]!];
      if (after.start < before.end) flag('overlapping-bookings', after.id, `overlaps ${before.id} at provider ${providerId}`);
    }
  }
  return { violations, deferredCaptures };
}

/** The timer a waiting booking must have running (scheduler-svc's kinds). */
function deadlineTimerOf(booking: BookingRecord): string | undefined {
  if (booking.status === 'pending_confirmation' && !booking.confirmation?.responseType) return 'confirmation-deadline';
  if (booking.status === 'reschedule_proposed' && booking.reschedule?.current) return 'reschedule-deadline';
  if (booking.status === 'payment_failed') return 'payment-retry-deadline';
  return undefined;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}
