const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));

/** The last UTC day written, and its "YYYY-MM-DDT". */
let day = Number.NaN;
let dayPrefix = '';

/**
 * `new Date(ms).toISOString()`, about eight times faster for whole minutes: the day's "YYYY-MM-DDT" is
 * kept from the previous call and the time is written from a table. A 60-day availability answer is
 * thousands of slots in order, and `toISOString` for their starts and ends was about half of
 * booking-svc's CPU for it (docs/performance.md).
 */
export function isoInstant(ms: number): string {
  const msDay = Math.floor(ms / DAY_MS);
  const minuteOfDay = (ms - msDay * DAY_MS) / MINUTE_MS;
  if (!Number.isInteger(minuteOfDay)) return new Date(ms).toISOString();
  if (msDay !== day) {
    dayPrefix = new Date(msDay * DAY_MS).toISOString().slice(0, 11);
    day = msDay;
  }
  return `${dayPrefix}${TWO_DIGITS[Math.floor(minuteOfDay / 60)]}:${TWO_DIGITS[minuteOfDay % 60]}:00.000Z`;
}
