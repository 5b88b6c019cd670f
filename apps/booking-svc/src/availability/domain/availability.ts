import { DateTime } from 'luxon';
import type { BookingSettings } from '../../providers/domain/booking-settings.js';
import { type Schedule, workingIntervals } from '../../providers/domain/schedule.js';

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

function overlaps(a: BusyInterval, b: BusyInterval): boolean {
  return a.start.getTime() < b.end.getTime() && b.start.getTime() < a.end.getTime();
}

/**
 * Free slots: starts every `slotDurationMinutes` of elapsed time from the start of each working
 * window (so a DST change inside a window neither repeats nor skips real time), long enough for the
 * service, inside the booking window, and clear of every busy interval, buffer included.
 */
export function availableSlots(request: AvailabilityRequest): AvailableSlot[] {
  const { schedule, settings } = request;
  const zone = schedule.timezone;
  const { earliest, latest } = bookingWindow(settings, request.now);
  const busy = [...request.busy].sort((a, b) => a.start.getTime() - b.start.getTime());
  const slots: AvailableSlot[] = [];
  const last = DateTime.fromISO(request.toDate, { zone });
  for (let day = DateTime.fromISO(request.fromDate, { zone }); day <= last; day = day.plus({ days: 1 })) {
    for (const window of workingIntervals(schedule, day)) {
      for (let start = window.start; start.plus({ minutes: request.serviceDurationMinutes }) <= window.end; start = start.plus({ minutes: settings.slotDurationMinutes })) {
        const end = start.plus({ minutes: request.serviceDurationMinutes });
        const startDate = start.toJSDate();
        if (startDate < earliest || startDate > latest) continue;
        const occupied = occupiedInterval(startDate, end.toJSDate(), settings.bufferMinutes);
        if (busy.some((b) => overlaps(b, occupied))) continue;
        slots.push({
          start: start.toUTC().toISO() ?? '',
          end: end.toUTC().toISO() ?? '',
          provider: { timezone: zone, start: start.setZone(zone).toISO() ?? '', end: end.setZone(zone).toISO() ?? '' },
          requester: { timezone: request.requesterTimezone, start: start.setZone(request.requesterTimezone).toISO() ?? '', end: end.setZone(request.requesterTimezone).toISO() ?? '' },
        });
      }
    }
  }
  return slots;
}
