import { DateTime, IANAZone } from 'luxon';
import { addDays, isoWeekday, localToUtc } from './zone-time.js';
import { BookingError, BookingErrorCode } from '../../shared/domain/booking-error.js';

/** A span of wall-clock time within one local day, "HH:MM" to "HH:MM" ("24:00" ends at midnight). */
export interface TimeWindow {
  start: string;
  end: string;
}

/** ISO weekday (1 = Monday … 7 = Sunday) → working windows, in the provider's time zone. */
export type WeeklyHours = Partial<Record<'1' | '2' | '3' | '4' | '5' | '6' | '7', TimeWindow[]>>;

/** A date that differs from the week: a day off (no windows) or different hours (these windows replace the week's). */
export interface DateOverride {
  date: string; // YYYY-MM-DD, local to the provider
  windows: TimeWindow[];
}

export interface Schedule {
  timezone: string;
  weeklyHours: WeeklyHours;
  overrides: DateOverride[];
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isValidTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

function windowProblems(where: string, windows: TimeWindow[]): string[] {
  const problems: string[] = [];
  const sorted = [...windows].sort((a, b) => a.start.localeCompare(b.start));
  sorted.forEach((w, i) => {
    if (!TIME.test(w.start) || !TIME.test(w.end) || w.start === '24:00') problems.push(`${where}: times are HH:MM (00:00–24:00)`);
    else if (minutesOf(w.end) <= minutesOf(w.start)) problems.push(`${where}: ${w.start}–${w.end} ends before it starts`);
    else if (minutesOf(w.start) % 5 !== 0 || minutesOf(w.end) % 5 !== 0) problems.push(`${where}: times are multiples of 5 minutes`);
    const previous = sorted[i - 1];
    if (previous && minutesOf(w.start) < minutesOf(previous.end)) problems.push(`${where}: windows overlap`);
  });
  return problems;
}

/** Checks a whole schedule, listing every problem at once. */
export function validateSchedule(schedule: Schedule): Schedule {
  const problems: string[] = [];
  if (!isValidTimeZone(schedule.timezone)) problems.push(`timezone: ${schedule.timezone} is not an IANA time zone`);
  for (const [day, windows] of Object.entries(schedule.weeklyHours)) {
    if (!['1', '2', '3', '4', '5', '6', '7'].includes(day)) problems.push(`weeklyHours: ${day} is not an ISO weekday (1–7)`);
    problems.push(...windowProblems(`weeklyHours.${day}`, windows ?? []));
  }
  const dates = new Set<string>();
  for (const override of schedule.overrides) {
    if (!DATE.test(override.date) || !DateTime.fromISO(override.date).isValid) problems.push(`overrides: ${override.date} is not a YYYY-MM-DD date`);
    if (dates.has(override.date)) problems.push(`overrides: ${override.date} appears twice`);
    dates.add(override.date);
    problems.push(...windowProblems(`overrides.${override.date}`, override.windows));
  }
  if (problems.length > 0) throw new BookingError(BookingErrorCode.ValidationFailed, 'Schedule is invalid', { problems });
  return schedule;
}

/** The working windows of one local date, as absolute [start, end) instants in epoch ms (DST-correct). */
export function workingIntervals(schedule: Schedule, date: string): Array<{ start: number; end: number }> {
  const override = schedule.overrides.find((o) => o.date === date);
  const windows = override ? override.windows : (schedule.weeklyHours[String(isoWeekday(date)) as keyof WeeklyHours] ?? []);
  return windows.map((w) => ({ start: localToUtc(schedule.timezone, date, w.start), end: localToUtc(schedule.timezone, date, w.end) }));
}

/**
 * The working time of the local dates from `first` to `last` (YYYY-MM-DD, inclusive) as absolute
 * intervals in epoch ms, with touching windows merged: 22:00–24:00 followed by 00:00–02:00 the next
 * day is one span, so work across midnight is bookable like any other. A time skipped by
 * spring-forward moves forward; a time repeated by fall-back is its first occurrence (zone-time.ts).
 */
export function workingSpans(schedule: Schedule, first: string, last: string): Array<{ start: number; end: number }> {
  const spans: Array<{ start: number; end: number }> = [];
  for (let day = first; day <= last; day = addDays(day, 1)) {
    for (const window of workingIntervals(schedule, day).sort((a, b) => a.start - b.start)) {
      const previous = spans.at(-1);
      if (previous && window.start <= previous.end) previous.end = Math.max(previous.end, window.end);
      else spans.push({ ...window });
    }
  }
  return spans;
}
