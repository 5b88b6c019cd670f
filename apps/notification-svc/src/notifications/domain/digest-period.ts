import { DateTime } from 'luxon';

export type DigestFrequency = 'hourly' | 'daily';

/** A daily digest covers the 24 wall-clock hours up to this local hour, and is sent then (08:00: the start of a working day). */
export const DAILY_DIGEST_HOUR = 8;

/**
 * The digest period a new request arriving at `at` belongs to, in the provider's zone: the local
 * clock hour it falls in (hourly), or the local day from one 08:00 to the next (daily). Bounds are
 * wall-clock times, so on a daylight-saving day a daily period lasts 23 or 25 hours, and the hour
 * that repeats when clocks go back is two periods, one per offset.
 */
export function digestPeriod(frequency: DigestFrequency, zone: string, at: Date): { start: Date; end: Date } {
  const local = DateTime.fromJSDate(at, { zone });
  if (frequency === 'hourly') {
    // Elapsed-time arithmetic from the instant: the same local hour may occur twice (clocks going back).
    const start = local.minus({ minutes: local.minute, seconds: local.second, milliseconds: local.millisecond });
    return { start: start.toJSDate(), end: start.plus({ hours: 1 }).toJSDate() };
  }
  const todayAtHour = local.set({ hour: DAILY_DIGEST_HOUR, minute: 0, second: 0, millisecond: 0 });
  const start = todayAtHour <= local ? todayAtHour : todayAtHour.minus({ days: 1 }).set({ hour: DAILY_DIGEST_HOUR });
  return { start: start.toJSDate(), end: start.plus({ days: 1 }).set({ hour: DAILY_DIGEST_HOUR }).toJSDate() };
}
