import type { BookingSettings } from '../../providers/domain/booking-settings.js';
import { type Schedule, workingSpans } from '../../providers/domain/schedule.js';
import { isoInstant } from './iso-instant.js';

/** Time the provider is not free, [start, end) in epoch ms: a hold (its buffer included) or a calendar busy block. */
export interface BusyInterval {
  start: number;
  end: number;
}

export interface AvailabilityRequest {
  schedule: Schedule;
  settings: Pick<BookingSettings, 'minimumNoticeHours' | 'maximumAdvanceDays' | 'bufferMinutes' | 'slotDurationMinutes'>;
  serviceDurationMinutes: number;
  /** Inclusive local dates in the provider's zone, YYYY-MM-DD. */
  fromDate: string;
  toDate: string;
  busy: BusyInterval[];
  now: Date;
}

/**
 * A free slot, in UTC (ISO 8601). The answer names the provider's and the requester's zones once for
 * all its slots; rendering in them is the client's (a 60-day answer has thousands of slots, and three
 * renderings of each tripled its size and its cost).
 */
export interface AvailableSlot {
  start: string;
  end: string;
}

/** The first and last moments a slot may start at, by minimum notice and maximum advance. */
export function bookingWindow(settings: Pick<BookingSettings, 'minimumNoticeHours' | 'maximumAdvanceDays'>, now: Date): { earliest: Date; latest: Date } {
  return {
    earliest: new Date(now.getTime() + settings.minimumNoticeHours * 3_600_000),
    latest: new Date(now.getTime() + settings.maximumAdvanceDays * 86_400_000),
  };
}

/** Busy intervals sorted and merged, so one forward pointer answers every overlap question. */
function mergeBusy(busy: BusyInterval[]): BusyInterval[] {
  const merged: BusyInterval[] = [];
  for (const b of [...busy].sort((x, y) => x.start - y.start)) {
    const last = merged.at(-1);
    if (last && b.start <= last.end) last.end = Math.max(last.end, b.end);
    else merged.push({ start: b.start, end: b.end });
  }
  return merged;
}

/**
 * Free slots: starts every `slotDurationMinutes` of elapsed time from the start of each working span
 * (touching windows merged, across midnight too; so a DST change inside a span neither repeats nor
 * skips real time), long enough for the service, inside the booking window, and clear of every busy
 * interval, buffer included.
 */
export function availableSlots(request: AvailabilityRequest): AvailableSlot[] {
  const { schedule, settings } = request;
  const { earliest, latest } = bookingWindow(settings, request.now);
  const busy = mergeBusy(request.busy);
  const durationMs = request.serviceDurationMinutes * 60_000;
  const stepMs = settings.slotDurationMinutes * 60_000;
  const bufferMs = settings.bufferMinutes * 60_000;
  const slots: AvailableSlot[] = [];
  let next = 0; // first busy interval that may still reach a later slot
  for (const span of workingSpans(schedule, request.fromDate, request.toDate)) {
    const spanEnd = span.end;
    for (let start = span.start; start + durationMs <= spanEnd; start += stepMs) {
      if (start < earliest.getTime() || start > latest.getTime()) continue;
      const end = start + durationMs;
      while (next < busy.length && busy[next]!.end <= start) next++;
      const blocker = busy[next];
      if (blocker && blocker.start < end + bufferMs) continue;
      slots.push({ start: isoInstant(start), end: isoInstant(end) });
    }
  }
  return slots;
}
