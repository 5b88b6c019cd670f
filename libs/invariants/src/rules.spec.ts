import { findViolations } from './rules.js';
import type { BookingRecord, PaymentRecord, PlatformSnapshot } from './snapshot.js';

const now = new Date('2030-03-01T10:00:00Z');
const hour = (h: number) => new Date(now.getTime() + h * 3_600_000);

let nextStart = 24;

/** A booking at its own time (two hours after the previous one), unless the patch says otherwise. */
function booking(id: string, status: string, patch: Partial<BookingRecord> = {}): BookingRecord {
  const start = (nextStart += 2);
  return {
    _id: id,
    status,
    providerId: 'p1',
    holdId: `hold-${id}`,
    dateTime: { requestedStart: hour(start), requestedEnd: hour(start + 0.5), bufferMinutes: 15 },
    confirmation: {},
    reschedule: { count: 0 },
    ...patch,
  };
}

function payment(id: string, status: string, patch: Partial<PaymentRecord> = {}): PaymentRecord {
  return { _id: id, status, amountCents: 10_000, capturedCents: 0, refundedCents: 0, paymentIntentId: `pi_${id}`, ...patch };
}

function snapshot(patch: Partial<PlatformSnapshot>): PlatformSnapshot {
  return { now, bookings: [], holds: [], payments: [], timers: [], ...patch };
}

const rules = (s: PlatformSnapshot) => findViolations(s).violations.map((v) => `${v.rule}:${v.bookingId}`);

describe('invariant rules', () => {
  it('finds nothing wrong with a consistent platform', () => {
    const clean = snapshot({
      bookings: [
        booking('confirmed', 'confirmed'),
        booking('waiting', 'pending_confirmation'),
        booking('cancelled-late', 'cancelled_patient', { cancellation: { feeCents: 5_000 } }),
        booking('declined', 'cancelled_provider'),
      ],
      holds: [{ _id: 'hold-confirmed' }, { _id: 'hold-waiting' }, { _id: 'hold-declined', expiresAt: hour(-1) }],
      payments: [
        payment('confirmed', 'captured', { capturedCents: 10_000 }),
        payment('waiting', 'held'),
        payment('cancelled-late', 'partial_refund', { capturedCents: 10_000, refundedCents: 5_000 }),
        payment('declined', 'cancelled'),
      ],
      timers: [{ _id: 'confirmation-deadline:waiting', status: 'scheduled' }],
      intents: new Map([['pi_confirmed', { id: 'pi_confirmed', status: 'succeeded', amountReceived: 10_000 }]]),
    });
    expect(findViolations(clean)).toEqual({ violations: [], deferredCaptures: [] });
  });

  it('flags an ended booking that still holds its slot (or a proposal’s) or an authorisation', () => {
    const ended = booking('b1', 'expired', { reschedule: { count: 1 } });
    expect(rules(snapshot({ bookings: [ended], holds: [{ _id: 'b1:reschedule:1', expiresAt: hour(2) }], payments: [payment('b1', 'held')] }))).toEqual([
      'ended-booking-holds-slot:b1',
      'ended-booking-authorised:b1',
    ]);
  });

  it('flags a live booking whose slot is no longer held', () => {
    expect(rules(snapshot({ bookings: [booking('b1', 'confirmed')], payments: [payment('b1', 'captured', { capturedCents: 10_000 })] }))).toEqual([
      'live-booking-without-slot:b1',
    ]);
  });

  it('counts a lapsed hold for the live booking it names and that holds it, and for no other', () => {
    const captured = (id: string) => payment(id, 'captured', { capturedCents: 10_000 });
    const holds = [
      { _id: 'hold-b1', expiresAt: hour(-1), bookingId: 'b1' },
      { _id: 'hold-b2', expiresAt: hour(-1), bookingId: 'someone-else' },
      { _id: 'hold-b3', expiresAt: hour(-1) },
    ];
    const bookings = [booking('b1', 'confirmed'), booking('b2', 'confirmed'), booking('b3', 'confirmed')];
    expect(rules(snapshot({ bookings, holds, payments: bookings.map((b) => captured(b._id)) }))).toEqual([
      'live-booking-without-slot:b2',
      'live-booking-without-slot:b3',
    ]);
  });

  it('counts a permanent hold that names its booking only while that booking holds it', () => {
    const cancelled = booking('b1', 'cancelled_patient');
    const older = booking('b2', 'cancelled_patient');
    const holds = [
      { _id: 'hold-b1', bookingId: 'b1' }, // its release never ran: counts no more
      { _id: 'hold-b2' }, // from before holds named their booking: still counts
    ];
    expect(rules(snapshot({ bookings: [cancelled, older], holds }))).toEqual(['ended-booking-holds-slot:b2']);
  });

  it('flags money kept that the state does not owe, allowing refunds an admin chose to make', () => {
    const b = (id: string, status: string) => booking(id, status);
    const holds = ['x1', 'x3'].map((id) => ({ _id: `hold-${id}` }));
    expect(
      rules(
        snapshot({
          bookings: [b('x1', 'confirmed'), b('x2', 'cancelled_admin'), b('x3', 'confirmed')],
          holds,
          payments: [
            payment('x1', 'partial_refund', { capturedCents: 10_000, refundedCents: 4_000, refunds: [{ amountCents: 4_000, initiatedBy: 'admin' }] }),
            payment('x2', 'captured', { capturedCents: 10_000 }),
            payment('x3', 'partial_refund', { capturedCents: 10_000, refundedCents: 4_000, refunds: [{ amountCents: 4_000, initiatedBy: 'system' }] }),
          ],
        }),
      ),
    ).toEqual(['money-mismatch:x2', 'money-mismatch:x3']);
  });

  it('flags a confirmed booking that is not captured, and lists one the kill switch holds back', () => {
    const s = snapshot({
      bookings: [
        booking('b1', 'confirmed'),
        booking('b2', 'confirmed', { dateTime: { requestedStart: hour(48), requestedEnd: hour(48.5), bufferMinutes: 0 } }),
      ],
      holds: [{ _id: 'hold-b1' }, { _id: 'hold-b2' }],
      payments: [payment('b1', 'held'), payment('b2', 'held', { captureWaiting: true })],
    });
    expect(findViolations(s)).toEqual({ violations: [expect.objectContaining({ rule: 'confirmed-not-captured', bookingId: 'b1' })], deferredCaptures: ['b2'] });
  });

  it('flags two live bookings of a provider that overlap, buffer included', () => {
    const at = (h: number) => ({ requestedStart: hour(h), requestedEnd: hour(h + 0.5), bufferMinutes: 15 });
    const s = snapshot({
      bookings: [
        booking('a', 'confirmed', { dateTime: at(10) }),
        booking('b', 'confirmed', { dateTime: at(10.6) }),
        booking('c', 'confirmed', { dateTime: at(11.5) }),
      ],
      holds: ['a', 'b', 'c'].map((id) => ({ _id: `hold-${id}` })),
      payments: ['a', 'b', 'c'].map((id) => payment(id, 'captured', { capturedCents: 10_000 })),
    });
    expect(rules(s)).toEqual(['overlapping-bookings:b']);
  });

  it('flags a waiting booking without a running deadline timer', () => {
    const s = snapshot({
      bookings: [
        booking('w1', 'pending_confirmation'),
        booking('w2', 'payment_failed'),
        booking('w3', 'pending_confirmation', { confirmation: { responseType: 'confirmed' } }),
      ],
      holds: ['w1', 'w2', 'w3'].map((id) => ({ _id: `hold-${id}` })),
      payments: [payment('w1', 'held'), payment('w2', 'failed'), payment('w3', 'held')],
      timers: [{ _id: 'confirmation-deadline:w1', status: 'fired' }],
    });
    expect(rules(s)).toEqual(['waiting-without-deadline:w1', 'waiting-without-deadline:w2']);
  });

  it('flags a payment without a booking, and Stripe disagreeing with payment-svc', () => {
    const s = snapshot({
      bookings: [booking('b1', 'cancelled_provider')],
      payments: [payment('b1', 'cancelled'), payment('orphan', 'held')],
      intents: new Map([['pi_b1', { id: 'pi_b1', status: 'requires_capture', amountReceived: 0 }]]),
    });
    expect(rules(s)).toEqual(['stripe-authorisation-unknown:b1', 'payment-without-booking:orphan']);
  });
});
