import { HOLD_WARNING_MS, type Payment } from './payment.js';

const HOUR_MS = 3_600_000;

/** The UTC hour of a moment (`2030-01-01T10`): the hold monitor's review buckets. */
export function hourOf(at: Date): string {
  return at.toISOString().slice(0, 13);
}

/** The hour `count` hours after `hour` (before it, for a negative count). */
export function hoursAfter(hour: string, count: number): string {
  return hourOf(new Date(Date.parse(`${hour}:00:00Z`) + count * HOUR_MS));
}

/**
 * The hour bucket the hold monitor next reads a payment in (`holdReviewHour`): the hour its expiry
 * warning falls due (HOLD_WARNING_MS before the hold lapses) while it has not been given, else the hour
 * the hold lapses. Never earlier than the hour of the write (`now`): a review already due goes into the
 * current hour, because the monitor never reads a bucket behind its watermark again. Only a held payment
 * with a hold has one. The monitor asks for one hour at a time by equality, which the MongoDB-compatible
 * engine answers from the matching documents only (docs/payments.md, "The sweeper").
 */
export function holdReviewHour(payment: Pick<Payment, 'status' | 'hold'>, now: Date): string | undefined {
  const hold = payment.hold;
  if (payment.status !== 'held' || !hold) return undefined;
  const reviewAt = hold.expiringNotifiedAt ? hold.expiresAt.getTime() : hold.expiresAt.getTime() - HOLD_WARNING_MS;
  return hourOf(new Date(Math.max(reviewAt, now.getTime())));
}
