import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { Topics } from '@bp/contracts';
import { buildMessage } from '@bp/messaging';
import { OutboxRelay, withOutboxUpdate } from '@bp/outbox';
import { counter } from '@bp/platform';
import { CalendarConfig } from '../../config/calendar.config.js';
import type { Interval } from '../../calendar-apis/domain/calendar-api.js';
import { CalendarSession } from '../../connections/application/calendar-session.js';
import { BUSY_WINDOW_MODEL, type BusyWindowDocument } from '../infrastructure/busy-window.schema.js';

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
    @InjectModel(BUSY_WINDOW_MODEL) private readonly windows: Model<BusyWindowDocument>,
    private readonly session: CalendarSession,
    private readonly outbox: OutboxRelay,
    private readonly config: CalendarConfig,
  ) {}

  /** Copies the provider's busy times to booking-svc; returns false when the cached copy was fresh enough. */
  async sync(providerId: string, now = new Date()): Promise<boolean> {
    const cached = await this.windows.findById(providerId, { outbox: 0 }).lean<BusyWindowDocument>();
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
    await this.windows.updateOne(
      { _id: providerId },
      withOutboxUpdate({ $set: { from: window.start, to: window.end, busy, fetchedAt: now } }, [message], now),
      { upsert: true },
    );
    this.outbox.publishSoon(this.windows, providerId);
  }
}
