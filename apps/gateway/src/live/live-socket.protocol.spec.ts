import 'reflect-metadata';
import { toBookingUpdate } from './booking-update.js';
import { messageTypeOf, parseClientMessage, toUpdateMessage } from './live-socket.protocol.js';

/** An event off booking.events.v1 as the hub receives it. */
function bookingEvent(type: string, aggregateId: string, payload: object) {
  return toBookingUpdate({
    eventId: `e-${aggregateId}-${JSON.stringify(payload).length}`,
    type,
    occurredAt: '2026-03-01T10:00:00.000Z',
    aggregateId,
    aggregateVersion: 2,
    correlationId: 'req-1',
    actor: { type: 'system' as const, id: 'booking-svc' },
    payload,
  });
}

/** A BookingStatusChanged as booking-svc publishes it for one of its changes (reason = the audit entry's type). */
function statusChanged(change: { reason: string; status: string; previousStatus?: string; autoConfirm?: boolean; bookingType?: 'instant' | 'request' }) {
  return bookingEvent('BookingStatusChanged', 'b1', {
    bookingId: 'b1',
    bookingNumber: 'FH-20260301-ABCDE',
    patientId: 'patient-a',
    providerId: 'provider-x',
    bookingType: 'request',
    ...change,
  });
}

describe('live socket messages', () => {
  it.each([
    [
      'the card held for a request: the provider is asked',
      { reason: 'payment_held', previousStatus: 'pending_payment', status: 'pending_confirmation' },
      'NEW_BOOKING_REQUEST',
    ],
    [
      'an auto-confirmed request’s hold is no question to the provider',
      { reason: 'payment_held', previousStatus: 'pending_payment', status: 'pending_confirmation', autoConfirm: true },
      'BOOKING_UPDATED',
    ],
    [
      'the provider said yes (the capture is under way)',
      { reason: 'confirmed', previousStatus: 'pending_confirmation', status: 'pending_confirmation' },
      'BOOKING_UPDATED',
    ],
    ['the capture landed: confirmed', { reason: 'payment_captured', previousStatus: 'pending_confirmation', status: 'confirmed' }, 'BOOKING_CONFIRMED'],
    [
      'an instant booking paid: confirmed',
      { reason: 'payment_captured', previousStatus: 'pending_payment', status: 'confirmed', bookingType: 'instant' as const },
      'BOOKING_CONFIRMED',
    ],
    ['an admin confirms', { reason: 'admin_override', previousStatus: 'payment_failed', status: 'confirmed' }, 'BOOKING_CONFIRMED'],
    ['a refund on a confirmed booking', { reason: 'payment_refunded', previousStatus: 'confirmed', status: 'confirmed' }, 'BOOKING_UPDATED'],
    ['the patient cancels', { reason: 'cancelled', previousStatus: 'confirmed', status: 'cancelled_patient' }, 'BOOKING_CANCELLED'],
    ['the provider cancels', { reason: 'cancelled', previousStatus: 'confirmed', status: 'cancelled_provider' }, 'BOOKING_CANCELLED'],
    ['an admin cancels', { reason: 'admin_override', previousStatus: 'confirmed', status: 'cancelled_admin' }, 'BOOKING_CANCELLED'],
    [
      'the provider declines (the booking ends cancelled_provider)',
      { reason: 'declined', previousStatus: 'pending_confirmation', status: 'cancelled_provider' },
      'BOOKING_DECLINED',
    ],
    ['the provider’s deadline passes', { reason: 'expired', previousStatus: 'pending_confirmation', status: 'expired' }, 'BOOKING_EXPIRED'],
    ['a new time is proposed', { reason: 'reschedule_proposed', previousStatus: 'pending_confirmation', status: 'reschedule_proposed' }, 'RESCHEDULE_PROPOSED'],
    [
      'the patient takes the new time',
      { reason: 'reschedule_accepted', previousStatus: 'reschedule_proposed', status: 'reschedule_proposed' },
      'RESCHEDULE_ACCEPTED',
    ],
    [
      'the patient refuses the new time (the booking ends cancelled_patient)',
      { reason: 'reschedule_declined', previousStatus: 'reschedule_proposed', status: 'cancelled_patient' },
      'RESCHEDULE_DECLINED',
    ],
    ['a booking created, waiting for its payment', { reason: 'created', previousStatus: 'slot_reserved', status: 'pending_payment' }, 'BOOKING_UPDATED'],
    ['a check-in', { reason: 'status_changed', previousStatus: 'confirmed', status: 'checked_in' }, 'BOOKING_UPDATED'],
  ])('names %s', (_name, change, expected) => {
    expect(messageTypeOf(statusChanged(change))).toBe(expected);
  });

  it('names any other booking event BOOKING_UPDATED, and carries the event as it is with the aggregate as the booking id', () => {
    const reserved = bookingEvent('SlotReserved', 'r1', { reservationId: 'r1', providerId: 'provider-x' });
    expect(toUpdateMessage(reserved)).toEqual({
      type: 'BOOKING_UPDATED',
      id: reserved.id,
      event: 'SlotReserved',
      bookingId: 'r1',
      occurredAt: '2026-03-01T10:00:00.000Z',
      data: { reservationId: 'r1', providerId: 'provider-x' },
    });
  });
});

describe('live socket client messages', () => {
  const text = (value: unknown) => Buffer.from(JSON.stringify(value));

  it('accept an AUTH with a token, and with the update to resume after', () => {
    expect(parseClientMessage(text({ type: 'AUTH', token: 'a.b.c' }), false)).toEqual({ ok: true, message: { type: 'AUTH', token: 'a.b.c' } });
    expect(parseClientMessage(text({ type: 'AUTH', token: 'a.b.c', resumeAfter: 'e-9' }), false)).toMatchObject({
      ok: true,
      message: { token: 'a.b.c', resumeAfter: 'e-9' },
    });
  });

  it.each([
    ['not JSON', Buffer.from('AUTH a.b.c'), false],
    ['binary', text({ type: 'AUTH', token: 'a.b.c' }), true],
    ['a JSON string', text('a.b.c'), false],
    ['null', text(null), false],
    ['an array', text([{ type: 'AUTH', token: 'a.b.c' }]), false],
    ['another type', text({ type: 'SUBSCRIBE', token: 'a.b.c' }), false],
    ['no token', text({ type: 'AUTH' }), false],
    ['an empty token', text({ type: 'AUTH', token: '' }), false],
    ['a token that is not a string', text({ type: 'AUTH', token: 42 }), false],
    ['an unknown field', text({ type: 'AUTH', token: 'a.b.c', providerId: 'provider-x' }), false],
    ['a resumeAfter that is not a string', text({ type: 'AUTH', token: 'a.b.c', resumeAfter: 7 }), false],
  ])('refuse %s, with a close reason a close frame can carry', (_name, data, isBinary) => {
    const parsed = parseClientMessage(data, isBinary);
    expect(parsed).toEqual({ ok: false, reason: expect.any(String) });
    if (!parsed.ok) expect(Buffer.byteLength(parsed.reason)).toBeLessThanOrEqual(123);
  });
});
