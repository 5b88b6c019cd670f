// When each booking reaches its end state, as seen on the admin's live stream (GET /api/bookings/events):
// an instant booking is done when `confirmed` (its payment captured), a request booking when
// `pending_confirmation` (its hold placed). Bookings not seen done by their deadline are read back.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export const END_STATE = { instant: 'confirmed', request: 'pending_confirmation' };
/** States a booking can end its creation in without reaching END_STATE. */
const FAILED = new Set(['payment_failed', 'cancelled_patient', 'cancelled_provider', 'expired']);

export class CompletionTracker {
  /** `isOurs(payload)`: whether a BookingStatusChanged concerns this run (its provider id). */
  constructor(isOurs) {
    this.isOurs = isOurs;
    this.seen = new Map(); // bookingId → Map(status → performance.now() when first seen)
    this.expected = new Map(); // bookingId → { type, answeredAt, deadline }
    this.updates = { ours: 0, others: 0, byType: {} };
  }

  /** The SSE callback: one `booking-update` event's data. */
  onUpdate(update, at = performance.now()) {
    this.updates.byType[update.type] = (this.updates.byType[update.type] ?? 0) + 1;
    const payload = update.payload ?? {};
    if (update.type !== 'BookingStatusChanged' || !this.isOurs(payload)) {
      this.updates.others++;
      return;
    }
    this.updates.ours++;
    const statuses = this.seen.get(payload.bookingId) ?? new Map();
    if (!statuses.has(payload.status)) statuses.set(payload.status, at);
    this.seen.set(payload.bookingId, statuses);
  }

  expect(bookingId, type, answeredAt, deadlineMs) {
    this.expected.set(bookingId, { type, answeredAt, deadline: answeredAt + deadlineMs });
  }

  #done(id, { type }) {
    const statuses = this.seen.get(id);
    return statuses?.has(END_STATE[type]) || [...(statuses?.keys() ?? [])].some((s) => FAILED.has(s));
  }

  /** Resolves once every expected booking is done or past its deadline. */
  async settle() {
    for (;;) {
      const now = performance.now();
      const waiting = [...this.expected].filter(([id, e]) => !this.#done(id, e) && now < e.deadline);
      if (waiting.length === 0) return;
      await sleep(Math.min(200, Math.max(10, Math.min(...waiting.map(([, e]) => e.deadline)) - now)));
    }
  }

  /**
   * Per booking type: completion times (ms from the creation answer to the end state on the stream;
   * 0 when the stream was faster than the answer), the ids never seen done, and those that failed.
   */
  outcomes() {
    const byType = {};
    for (const [id, e] of this.expected) {
      const entry = (byType[e.type] ??= { completionMs: [], incomplete: [], failed: {} });
      const statuses = this.seen.get(id);
      const doneAt = statuses?.get(END_STATE[e.type]);
      const failed = [...(statuses?.keys() ?? [])].find((s) => FAILED.has(s));
      if (doneAt !== undefined && doneAt <= e.deadline) entry.completionMs.push(Math.max(0, doneAt - e.answeredAt));
      else if (failed) entry.failed[failed] = (entry.failed[failed] ?? 0) + 1;
      else entry.incomplete.push(id);
    }
    return byType;
  }
}
