import { Injectable } from '@nestjs/common';
import { Topics } from '@bp/contracts';
import { buildMessage } from '@bp/messaging';
import { counter } from '@bp/platform';
import { CalendarConfig } from '../../config/calendar.config.js';
import type { Interval } from '../../calendar-apis/domain/calendar-api.js';
import { CalendarSession } from '../../connections/application/calendar-session.js';
import { BusyWindowStore } from '../infrastructure/busy-window.store.js';

const DAY_MS = 86_400_000;

const metrics = {
  lookups: () => counter('calendar_freebusy_lookups_total', 'Free/busy lookups, by whether the brief cache answered', ['source']),
};

const overlaps = (a: Interval, b: Interval) => a.start < b.end && b.start < a.end;

/**
 * Free/busy from the provider's calendar (Google FreeBusy, Graph getSchedule). `sync` copies the
 * busy times of the coming BUSY_SYNC_HORIZON_DAYS to booking-svc (ProviderBusyTimesUpdated, through
 * the outbox), reusing an answer younger than FREEBUSY_CACHE_TTL_MS; `check` always asks the
 * calendar afresh, for the last look before a hold is captured.
 */
@Injectable()
export class BusyTimes {
  constructor(
    private readonly windows: BusyWindowStore,
    private readonly session: CalendarSession,
    private readonly config: CalendarConfig,
  ) {}

  /** Copies the provider's busy times to booking-svc; returns false when the cached copy was fresh enough. */
  async sync(providerId: string, now = new Date()): Promise<boolean> {
    const cached = await this.windows.find(providerId);
    if (cached && now.getTime() - cached.fetchedAt.getTime() < this.config.FREEBUSY_CACHE_TTL_MS) {
      metrics.lookups().inc({ source: 'cache' });
      return false;
    }
    const window = { start: now, end: new Date(now.getTime() + this.config.BUSY_SYNC_HORIZON_DAYS * DAY_MS) };
    const busy = await this.session.run(providerId, (api, token, connection) => api.busy(token, window, connection.accountEmail));
    metrics.lookups().inc({ source: 'calendar' });
    await this.publish(providerId, window, busy, now);
    return true;
  }

  /** A fresh look at the calendar: what overlaps [start, end) now. */
  async check(providerId: string, slot: Interval): Promise<Interval[]> {
    const busy = await this.session.run(providerId, (api, token, connection) => api.busy(token, slot, connection.accountEmail));
    metrics.lookups().inc({ source: 'calendar' });
    return busy.filter((b) => overlaps(b, slot));
  }

  /** A disconnected calendar blocks nothing any more: booking-svc is told its window is empty. */
  async clear(providerId: string, now = new Date()): Promise<void> {
    await this.publish(providerId, { start: now, end: new Date(now.getTime() + this.config.BUSY_SYNC_HORIZON_DAYS * DAY_MS) }, [], now);
  }

  private async publish(providerId: string, window: Interval, busy: Interval[], now: Date): Promise<void> {
    const message = buildMessage(
      Topics.calendarEvents,
      'ProviderBusyTimesUpdated',
      {
        providerId,
        from: window.start.toISOString(),
        to: window.end.toISOString(),
        busy: busy.map((b) => ({ start: b.start.toISOString(), end: b.end.toISOString() })),
      },
      { id: providerId, version: now.getTime() },
      now,
    );
    await this.windows.record(providerId, window, busy, message, now);
  }
}
