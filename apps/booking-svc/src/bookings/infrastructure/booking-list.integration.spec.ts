import { uniqueSuffix } from '@bp/testing';
import { messagesFor } from '../application/booking-messages.js';
import type { Booking } from '../domain/booking.js';
import { createdChange, testReservation } from '../domain/booking.fixtures.js';
import { MAX_DAYS_PER_PAGE } from './booking-created-days.js';
import { scratchBookings } from './booking-repository.fixtures.js';
import type { BookingCriteria, ListCursor } from './booking.repository.js';

const DAY_MS = 86_400_000;

/**
 * The admin's list of every booking, newest first, walks back a created day at a time: pages follow
 * one another across days and across the walk's bound without losing or repeating a booking.
 */
describe('BookingRepository.list without a patient or a provider, on the real MongoDB-compatible server', () => {
  const scratch = scratchBookings('booking_list');
  const made: Booking[] = [];

  /** A booking created `daysAgo` days ago (the service only ever writes bookings created now: the oldest is written first). */
  async function bookingCreated(daysAgo: number, n: number, bookingType: 'instant' | 'request'): Promise<Booking> {
    const now = new Date(Date.now() - daysAgo * DAY_MS + n);
    const id = `b-${uniqueSuffix()}-${daysAgo}-${n}`;
    const reservation = testReservation({
      id: `r-${id}`,
      patientId: `u-${n}`,
      startTime: new Date(now.getTime() + 3 * DAY_MS),
      bufferMinutes: 0,
      createdAt: now,
    });
    const change = createdChange({ reservation, id, bookingNumber: `FH-${id}`, bookingType, now });
    expect(await scratch.repository.insert(change, messagesFor(change))).toBe(true);
    return change.booking;
  }

  async function allPages(criteria: BookingCriteria, limit: number): Promise<{ pages: Booking[][]; partial: number }> {
    const pages: Booking[][] = [];
    let partial = 0;
    let after: ListCursor | undefined;
    for (;;) {
      const page = await scratch.repository.list(criteria, { limit, ...(after ? { after } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(limit);
      pages.push(page.items);
      if (!page.next) return { pages, partial };
      if (page.items.length < limit) partial++;
      after = page.next;
    }
  }

  const newestFirst = (bookings: Booking[]) => [...bookings].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).map((b) => b.id);

  it('answers an empty page and no cursor before any booking was written', async () => {
    expect(await scratch.repository.list({}, { limit: 5 })).toEqual({ items: [], next: null });
  });

  it('pages through every booking newest first, across days and past the walk’s bound, each once', async () => {
    // Oldest first, as time runs: a booking well beyond one page's walk, a gap, then a few recent days.
    const plan: Array<[number, 'instant' | 'request']> = [
      [MAX_DAYS_PER_PAGE + 10, 'request'],
      [5, 'instant'],
      [5, 'request'],
      [2, 'request'],
      [0, 'instant'],
      [0, 'request'],
      [0, 'request'],
    ];
    for (const [n, [daysAgo, type]] of plan.entries()) made.push(await bookingCreated(daysAgo, n, type));

    const { pages, partial } = await allPages({}, 2);
    expect(pages.flat().map((b) => b.id)).toEqual(newestFirst(made));
    // The walk stopped at its bound once with an unfilled page, and a cursor went on from there.
    expect(partial).toBeGreaterThanOrEqual(1);
    // The aggregate read back carries no storage field.
    expect(pages[0]![0]).not.toHaveProperty('createdDay');
  }, 60_000);

  it('applies the filters to each day it walks', async () => {
    const requests = made.filter((b) => b.bookingType === 'request');
    expect((await allPages({ bookingType: 'request' }, 3)).pages.flat().map((b) => b.id)).toEqual(newestFirst(requests));
    expect((await allPages({ statuses: ['confirmed'] }, 3)).pages.flat()).toEqual([]);
    const all = (await allPages({ statuses: [made[0]!.status] }, 10)).pages.flat().map((b) => b.id);
    expect(all).toEqual(newestFirst(made));
  }, 60_000);

  it('starts a cursor from the future at tomorrow, not at the cursor’s day', async () => {
    const first = await scratch.repository.list({}, { limit: 2 });
    const fromFarAhead = await scratch.repository.list({}, { limit: 2, after: { createdAt: new Date('3000-01-01T00:00:00.000Z'), id: '' } });
    expect(fromFarAhead.items.map((b) => b.id)).toEqual(first.items.map((b) => b.id));
  }, 60_000);
});
