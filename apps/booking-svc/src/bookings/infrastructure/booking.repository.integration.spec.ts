import { uniqueSuffix, waitFor } from '@bp/testing';
import { BookingErrorCode } from '../../shared/domain/booking-error.js';
import { messagesFor } from '../application/booking-messages.js';
import type { Booking } from '../domain/booking.js';
import * as t from '../domain/booking-transitions.js';
import { TEST_RULES, createdChange, testReservation } from '../domain/booking.fixtures.js';
import { scratchBookings } from './booking-repository.fixtures.js';

const rules: t.TransitionRules = { ...TEST_RULES, cancellationFeePercent: 0 };
const system = { type: 'system' as const, id: 'test' };
const provider = { type: 'provider' as const, id: 'p1' };

/**
 * The conditional update on (id, version, status) is what makes races safe: here a confirm decided
 * just before the deadline and an expiry decided just after it, both from the same version, are
 * written at the same moment on the real database, many times over.
 */
describe('BookingRepository on the real MongoDB-compatible server', () => {
  const scratch = scratchBookings('bookings');

  async function pendingBooking(n: number): Promise<Booking> {
    const now = new Date();
    const startTime = new Date(now.getTime() + 86_400_000 * 3);
    const reservation = testReservation({ id: `r-${uniqueSuffix()}-${n}`, startTime, bufferMinutes: 0, createdAt: now });
    const created = createdChange({
      reservation,
      id: `b-${uniqueSuffix()}-${n}`,
      bookingNumber: `FH-TEST-${uniqueSuffix()}-${n}`,
      priceCents: 5000,
      providerTimezone: 'UTC',
      patientTimezone: 'UTC',
      now,
    });
    expect(await scratch.repository.insert(created, messagesFor(created))).toBe(true);
    const held = t.recordHoldPlaced(created.booking, 'pi', rules, { actor: system, now });
    await scratch.repository.apply(held, messagesFor(held));
    return held.booking;
  }

  it('lets exactly one of a confirm and an expiry of the same version win, every time', async () => {
    const outcomes: string[] = [];
    for (let n = 0; n < 15; n++) {
      const booking = await pendingBooking(n);
      const deadline = booking.confirmation.expiresAt!;
      const confirm = t.confirm(booking, { actor: provider, now: new Date(deadline.getTime() - 1) });
      const expire = t.expire(booking, 'confirmation', { actor: system, now: deadline });
      const results = await Promise.allSettled([
        scratch.repository.apply(confirm, messagesFor(confirm)),
        scratch.repository.apply(expire, messagesFor(expire)),
      ]);
      const winners = results.filter((r) => r.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      const loser = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(loser?.reason).toMatchObject({ code: BookingErrorCode.VersionConflict });
      const stored = (await scratch.repository.findById(booking.id))!;
      const won = results[0]?.status === 'fulfilled' ? 'confirm' : 'expire';
      outcomes.push(won);
      expect(stored.status).toBe(won === 'confirm' ? 'pending_confirmation' : 'expired');
      expect(stored.confirmation.responseType).toBe(won === 'confirm' ? 'confirmed' : 'expired');
      // The trail holds the winner's entry only: one entry per applied change.
      expect((await scratch.repository.auditTrail(booking.id)).map((a) => a.eventType)).toEqual([
        'created',
        'payment_held',
        won === 'confirm' ? 'confirmed' : 'expired',
      ]);
      expect(stored.version).toBe(3);
    }
  }, 60_000);

  it('refuses a change computed from a stale version', async () => {
    const booking = await pendingBooking(99);
    const first = t.decline(booking, 'no', { actor: provider, now: new Date() });
    await scratch.repository.apply(first, messagesFor(first));
    const stale = t.confirm(booking, { actor: provider, now: new Date() });
    await expect(scratch.repository.apply(stale, messagesFor(stale))).rejects.toMatchObject({ code: BookingErrorCode.VersionConflict });
    expect((await scratch.repository.findById(booking.id))?.status).toBe('cancelled_provider');
  });

  it('moves each change’s audit entries out of the booking, in order, once, and the booking stays the same size', async () => {
    const booking = await pendingBooking(100);
    const sizeOf = async () => JSON.stringify(await scratch.model.findById(booking.id).lean()).length;
    await waitFor(
      async () => (await scratch.model.findById(booking.id).lean())?.outboxPending !== true,
      20_000,
      () => 'the relay to publish',
    );
    const settled = await sizeOf();
    let current = booking;
    for (const reason of ['a', 'b', 'c']) {
      const note = t.adminOverride(current, 'pending_confirmation', reason, { actor: { type: 'admin', id: 'a1' }, now: new Date() }, { retryWindowMs: 60_000 });
      await scratch.repository.apply(note, messagesFor(note));
      current = note.booking;
    }
    // Before and after the relay moved them, the trail reads the same.
    const expected = ['created', 'payment_held', 'admin_override', 'admin_override', 'admin_override'];
    expect((await scratch.repository.auditTrail(booking.id)).map((a) => a.eventType)).toEqual(expected);
    await waitFor(
      async () => (await scratch.model.findById(booking.id).lean())?.outboxPending !== true,
      20_000,
      () => 'the relay to move the entries',
    );
    const trail = await scratch.repository.auditTrail(booking.id);
    expect(trail.map((a) => a.eventType)).toEqual(expected);
    expect(trail.slice(2).map((a) => a.data?.['reason'])).toEqual(['a', 'b', 'c']);
    expect(await scratch.connection.collection('booking_audit').countDocuments({ bookingId: booking.id })).toBe(5);
    // Only the notes grew (the admin's reason), not a history: the document is about the size it was.
    expect(Math.abs((await sizeOf()) - settled)).toBeLessThan(100);
  }, 60_000);
});
