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
 * The zone's offsets a day either side are the only candidates (no zone changes its offset twice in
 * two days); the answer does not depend on the season the code runs in.
 */
export function localToUtc(zone: string, date: string, time: string): number {
  if (time === '24:00') return localToUtc(zone, addDays(date, 1), '00:00');
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const local = Date.UTC(y, m - 1, d, hh, mm);
  const before = zoneOffsetMinutes(zone, local - DAY_MS);
  const after = zoneOffsetMinutes(zone, local + DAY_MS);
  const withBefore = local - before * 60_000;
  if (before === after) return withBefore;
  // The earliest instant that shows the time (two when it is repeated); none when it was skipped: forward by the gap.
  const candidates: Array<[instant: number, offset: number]> = [
    [withBefore, before],
    [local - after * 60_000, after],
  ];
  const shown = candidates.filter(([instant, offset]) => zoneOffsetMinutes(zone, instant) === offset).map(([instant]) => instant);
  return shown.length > 0 ? Math.min(...shown) : withBefore;
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
