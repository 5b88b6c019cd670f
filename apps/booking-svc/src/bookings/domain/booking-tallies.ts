import type { Booking } from './booking.js';

/**
 * The counts the admin dashboard and the request gauges show, kept as counters instead of being
 * counted from the bookings on every look (on the local engine, counting reads every matching
 * booking whole). A booking is in a tally while a marker says so; entering adds one to each of the
 * marker's counters, leaving takes one off, so a repeated projection changes nothing.
 *
 * - `pending`: a request waiting for the provider's answer, counted in the quarter hour of its
 *   deadline (the gauges: all of them, and those due within 4 hours) and per provider (the leaderboard).
 * - `expired`: a request that expired, counted on its UTC day and per provider and day (today's, and
 *   the last 30 days' per provider).
 */
export type TallyKind = 'pending' | 'expired';

export interface TallyMembership {
  kind: TallyKind;
  bookingId: string;
  /** The counters the booking adds one to while it is in the tally. */
  counters: TallyCounter[];
}

export interface TallyCounter {
  /** Unique id of the counter. */
  id: string;
  /** What it counts (read by kind). */
  kind: 'pending-quarter' | 'pending-provider' | 'expired-day' | 'expired-provider-day';
  /** The quarter hour (ISO, UTC) or the UTC day it is about. */
  at?: string;
  providerId?: string;
}

const QUARTER_MS = 15 * 60_000;

/** The start of the quarter hour a moment falls in, ISO 8601 in UTC. */
export function quarterOf(at: Date): string {
  return new Date(Math.floor(at.getTime() / QUARTER_MS) * QUARTER_MS).toISOString();
}

/** Whether the booking waits for the provider's answer (the spec's pending request). */
export function isPendingRequest(booking: Pick<Booking, 'status' | 'confirmation'>): boolean {
  return booking.status === 'pending_confirmation' && !booking.confirmation.responseType && Boolean(booking.confirmation.expiresAt);
}

/** The tallies a booking is in now, from its state alone. */
export function talliesOf(booking: Pick<Booking, 'id' | 'providerId' | 'status' | 'confirmation' | 'updatedAt'>): TallyMembership[] {
  const memberships: TallyMembership[] = [];
  if (isPendingRequest(booking)) {
    memberships.push({
      kind: 'pending',
      bookingId: booking.id,
      counters: [
        { id: `pending-quarter|${quarterOf(booking.confirmation.expiresAt!)}`, kind: 'pending-quarter', at: quarterOf(booking.confirmation.expiresAt!) },
        { id: `pending-provider|${booking.providerId}`, kind: 'pending-provider', providerId: booking.providerId },
      ],
    });
  }
  if (booking.status === 'expired') {
    const day = booking.updatedAt.toISOString().slice(0, 10);
    memberships.push({
      kind: 'expired',
      bookingId: booking.id,
      counters: [
        { id: `expired-day|${day}`, kind: 'expired-day', at: day },
        { id: `expired-provider-day|${booking.providerId}|${day}`, kind: 'expired-provider-day', at: day, providerId: booking.providerId },
      ],
    });
  }
  return memberships;
}

export const TALLY_KINDS: readonly TallyKind[] = ['pending', 'expired'];

/**
 * The tallies a booking may have been in before and is not in now, so its projection must take it out
 * (each a read): a request that waited and was answered, expired or cancelled; an expiry an admin
 * overrode. A new booking, an instant one, or one still waiting cannot have left anything.
 */
export function talliesToLeave(booking: Pick<Booking, 'bookingType' | 'status' | 'confirmation' | 'notes'>): TallyKind[] {
  const kinds: TallyKind[] = [];
  if (booking.bookingType === 'request' && booking.status !== 'pending_payment' && !isPendingRequest(booking)) kinds.push('pending');
  if (booking.status !== 'expired' && booking.notes.adminNotes) kinds.push('expired');
  return kinds;
}
