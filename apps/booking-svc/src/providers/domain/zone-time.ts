import { IANAZone } from 'luxon';

/**
 * Wall-clock time in an IANA zone, fast: availability turns two months of working hours into instants
 * on every request, and asking the zone database (Intl, through luxon) for each offset was a fifth of
 * booking-svc's CPU under load. Offsets are remembered per zone and quarter hour (no zone changes its
 * offset inside one).
 */

const QUARTER_MS = 15 * 60_000;
const DAY_MS = 86_400_000;
/** Remembered offsets per zone, at most (a year of quarter hours is 35,040). */
const MAX_REMEMBERED = 100_000;

const zones = new Map<string, { zone: IANAZone; offsets: Map<number, number> }>();

/** The zone's offset from UTC at `ms`, in minutes. */
export function zoneOffsetMinutes(zone: string, ms: number): number {
  let entry = zones.get(zone);
  if (!entry) zones.set(zone, (entry = { zone: IANAZone.create(zone), offsets: new Map() }));
  const quarter = Math.floor(ms / QUARTER_MS);
  let offset = entry.offsets.get(quarter);
  if (offset === undefined) {
    if (entry.offsets.size >= MAX_REMEMBERED) entry.offsets.clear();
    entry.offsets.set(quarter, (offset = entry.zone.offset(quarter * QUARTER_MS)));
  }
  return offset;
}

/**
 * The instant a wall-clock time on a local date is: a time skipped by spring-forward moves forward by
 * the gap, a time repeated by fall-back is its first occurrence. "24:00" is the next day's midnight.
 * (Luxon's algorithm, started from the offset at the wall time rather than at the current moment, so
 * the answer does not depend on the season the code runs in.)
 */
export function localToUtc(zone: string, date: string, time: string): number {
  if (time === '24:00') return localToUtc(zone, addDays(date, 1), '00:00');
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const local = Date.UTC(y, m - 1, d, hh, mm);
  // Guess with the offset at the wall time read as UTC, then correct once or twice (luxon's fixOffset).
  const o = zoneOffsetMinutes(zone, local);
  let guess = local - o * 60_000;
  const o2 = zoneOffsetMinutes(zone, guess);
  if (o === o2) return guess;
  guess -= (o2 - o) * 60_000;
  const o3 = zoneOffsetMinutes(zone, guess);
  if (o2 === o3) return guess;
  return local - Math.min(o2, o3) * 60_000;
}

/** The local date (YYYY-MM-DD) in the zone at `ms`. */
export function localDateOf(zone: string, ms: number): string {
  return new Date(ms + zoneOffsetMinutes(zone, ms) * 60_000).toISOString().slice(0, 10);
}

/** The date `days` after `date` (YYYY-MM-DD, calendar arithmetic, no zone involved). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) + days * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday of a date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return ((new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7) + 1;
}
