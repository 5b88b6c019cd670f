import { DateTime, IANAZone } from 'luxon';
import type { BookingSettings } from '../../providers/domain/booking-settings.js';
import { type Schedule, workingSpans } from '../../providers/domain/schedule.js';

/** Time the provider is not free: a booking or reservation (its buffer included) or a calendar busy block. */
export interface BusyInterval {
  start: Date;
  end: Date;
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
  requesterTimezone: string;
}

export interface LocalTimes {
  timezone: string;
  start: string;
  end: string;
}

export interface AvailableSlot {
  start: string; // UTC ISO
  end: string;
  provider: LocalTimes;
  requester: LocalTimes;
}

/** The first and last moments a slot may start at, by minimum notice and maximum advance. */
export function bookingWindow(settings: Pick<BookingSettings, 'minimumNoticeHours' | 'maximumAdvanceDays'>, now: Date): { earliest: Date; latest: Date } {
  return {
    earliest: new Date(now.getTime() + settings.minimumNoticeHours * 3_600_000),
    latest: new Date(now.getTime() + settings.maximumAdvanceDays * 86_400_000),
  };
}

/** [start, end + buffer): what a booking occupies, so back-to-back bookings keep the provider's buffer. */
export function occupiedInterval(start: Date, end: Date, bufferMinutes: number): BusyInterval {
  return { start, end: new Date(end.getTime() + bufferMinutes * 60_000) };
}

/** Busy intervals sorted and merged, so one forward pointer answers every overlap question. */
function mergeBusy(busy: BusyInterval[]): Array<{ start: number; end: number }> {
  const merged: Array<{ start: number; end: number }> = [];
  for (const b of [...busy].sort((x, y) => x.start.getTime() - y.start.getTime())) {
    const last = merged.at(-1);
    if (last && b.start.getTime() <= last.end) last.end = Math.max(last.end, b.end.getTime());
    else merged.push({ start: b.start.getTime(), end: b.end.getTime() });
  }
  return merged;
}

const OFFSET_BUCKET_MS = 15 * 60_000; // zone offsets change on quarter hours at the finest

/**
 * ISO 8601 with the zone's offset, like luxon's toISO, but with offsets cached per quarter hour:
 * a 60-day availability renders thousands of slots in two zones, and the offset lookup is the cost.
 */
export function isoInZone(zone: string): (ms: number) => string {
  const iana = IANAZone.create(zone);
  const offsets = new Map<number, number>();
  return (ms) => {
    const bucket = Math.floor(ms / OFFSET_BUCKET_MS);
    let offset = offsets.get(bucket);
    if (offset === undefined) offsets.set(bucket, (offset = iana.offset(ms)));
    const sign = offset < 0 ? '-' : '+';
    const abs = Math.abs(offset);
    const hh = String(Math.floor(abs / 60)).padStart(2, '0');
    const mm = String(abs % 60).padStart(2, '0');
    return `${new Date(ms + offset * 60_000).toISOString().slice(0, 23)}${sign}${hh}:${mm}`;
  };
}

/**
 * Free slots: starts every `slotDurationMinutes` of elapsed time from the start of each working span
 * (touching windows merged, across midnight too; so a DST change inside a span neither repeats nor
 * skips real time), long enough for the service, inside the booking window, and clear of every busy
 * interval, buffer included.
 */
export function availableSlots(request: AvailabilityRequest): AvailableSlot[] {
  const { schedule, settings } = request;
  const zone = schedule.timezone;
  const { earliest, latest } = bookingWindow(settings, request.now);
  const busy = mergeBusy(request.busy);
  const [inProvider, inRequester] = [isoInZone(zone), isoInZone(request.requesterTimezone)];
  const durationMs = request.serviceDurationMinutes * 60_000;
  const stepMs = settings.slotDurationMinutes * 60_000;
  const bufferMs = settings.bufferMinutes * 60_000;
  const slots: AvailableSlot[] = [];
  let next = 0; // first busy interval that may still reach a later slot
  for (const span of workingSpans(schedule, DateTime.fromISO(request.fromDate, { zone }), DateTime.fromISO(request.toDate, { zone }))) {
    const spanEnd = span.end.toMillis();
    for (let start = span.start.toMillis(); start + durationMs <= spanEnd; start += stepMs) {
      if (start < earliest.getTime() || start > latest.getTime()) continue;
      const end = start + durationMs;
      while (next < busy.length && busy[next]!.end <= start) next++;
      const blocker = busy[next];
      if (blocker && blocker.start < end + bufferMs) continue;
      slots.push({
        start: new Date(start).toISOString(),
        end: new Date(end).toISOString(),
        provider: { timezone: zone, start: inProvider(start), end: inProvider(end) },
        requester: { timezone: request.requesterTimezone, start: inRequester(start), end: inRequester(end) },
      });
    }
  }
  return slots;
}
