import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { BookingStatusChanged } from '@bp/contracts';
import { ApiError, counter, gauge } from '@bp/platform';
import { CalendarConfig } from '../../config/calendar.config.js';
import { type CalendarApi, CalendarApiError, type CalendarEventContent } from '../../calendar-apis/domain/calendar-api.js';
import { CalendarSession } from '../../connections/application/calendar-session.js';
import type { CalendarConnection } from '../../connections/domain/calendar-connection.js';
import { desiredEventFor, nextAttemptDelayMs } from '../domain/event-sync.js';
import type { EventMappingDocument } from '../infrastructure/event-mapping.schema.js';
import { EventMappingStore } from '../infrastructure/event-mapping.store.js';

const metrics = {
  writes: () => counter('calendar_event_writes_total', 'Calendar event writes, by calendar, operation and outcome', ['calendar', 'operation', 'outcome']),
  failing: () =>
    gauge('calendar_event_syncs_failed', 'Bookings whose calendar event is out of sync after a failed write (waiting for the sync job, or given up)'),
};

/** Our key for a booking's calendar event: valid as a Google event id (base32hex) and as a Graph transactionId. */
export const eventKey = (bookingId: string) => createHash('sha256').update(`booking:${bookingId}`).digest('hex').slice(0, 40);

/**
 * Keeps each provider's calendar in step with their bookings: the mapping records what should be
 * there (from the latest BookingStatusChanged), then `sync` creates, moves or deletes the event.
 * Writes are idempotent (our event key; deletes of a missing event succeed), 429/5xx are retried with
 * backoff honouring Retry-After, and a write that still fails is marked `failed` with a next attempt
 * for the 15-minute sync job (RetryFailedCalendarSyncs), until CALENDAR_SYNC_MAX_ATTEMPTS.
 */
@Injectable()
export class EventSyncer {
  private readonly logger = new Logger(EventSyncer.name);

  constructor(
    private readonly mappings: EventMappingStore,
    private readonly session: CalendarSession,
    private readonly config: CalendarConfig,
  ) {
    metrics.failing();
  }

  /**
   * Records what the calendar should show after this booking event: the mapping as written (with the
   * provider's connection when it was read for it), undefined when nothing changed. A booking of a
   * provider with no connected calendar gets no mapping: there is nothing to show it on, and the
   * mapping would only record `not_applicable` (a read, an insert and an update); a calendar connected
   * later shows the booking from its next change, as it did with that mapping.
   */
  async record(event: BookingStatusChanged, version: number): Promise<{ mapping: EventMappingDocument; connection?: CalendarConnection } | undefined> {
    const desired = desiredEventFor(event.status);
    if (!desired) return undefined;
    const now = new Date();
    const wanted = { desired, start: new Date(event.startTime), end: new Date(event.endTime), timezone: event.providerTimezone, sourceVersion: version };
    const existing = await this.mappings.find(event.bookingId);
    if (!existing) {
      if (desired === 'absent') return undefined; // never shown: nothing to remove
      const connection = await this.session.connected(event.providerId);
      if (!connection) return undefined;
      const mapping = await this.mappings.create(event.bookingId, { providerId: event.providerId, bookingNumber: event.bookingNumber }, wanted, now);
      return mapping && { mapping, connection };
    }
    if (existing.sourceVersion >= version) return undefined; // late or repeated event
    const mapping = await this.mappings.revise(existing, wanted, now);
    return mapping && { mapping };
  }

  /**
   * Brings the booking's calendar event in line with its mapping, starting from the mapping as the
   * caller has it (just written, or just read), and the provider's connection when the caller just read
   * it. Never throws for a calendar failure: it is recorded.
   */
  async sync(known: EventMappingDocument, connection?: CalendarConnection): Promise<void> {
    let mapping: EventMappingDocument | undefined = known;
    for (let round = 0; round < 3 && mapping && mapping.syncedRevision !== mapping.revision; round++) {
      if (await this.attempt(mapping, round === 0 ? connection : undefined)) return;
      mapping = await this.mappings.find(known._id); // changed meanwhile: the latest wish is synced instead
    }
  }

  /** The sync job: failed writes whose next attempt is due, and pending ones left behind by a crash. Returns how many it tried. */
  async retryDue(now = new Date()): Promise<number> {
    const stalePending = new Date(now.getTime() - 60_000);
    const { failed, pending } = await this.mappings.failedAndPending();
    const due = [...failed.filter((m) => m.nextAttemptAt && m.nextAttemptAt <= now), ...pending.filter((m) => m.updatedAt <= stalePending)];
    // Listed by their ids and times only: each is read whole before its sync.
    for (const { _id } of due) {
      const mapping = await this.mappings.find(_id);
      if (mapping) await this.sync(mapping);
    }
    await this.refreshFailingGauge();
    return due.length;
  }

  find(bookingId: string): Promise<EventMappingDocument | undefined> {
    return this.mappings.find(bookingId);
  }

  /** One write to the calendar; false when the mapping changed meanwhile (the caller reads it again). */
  private async attempt(mapping: EventMappingDocument, known?: CalendarConnection): Promise<boolean> {
    const connection = known ?? (await this.session.connected(mapping.providerId));
    if (!connection) return this.mappings.settle(mapping, { status: 'not_applicable', syncedRevision: mapping.revision });
    const operation = mapping.desired === 'absent' ? 'delete' : mapping.externalEventId ? 'update' : 'create';
    try {
      await this.session.run(mapping.providerId, (api, token) => this.write(api, token, mapping, operation));
      metrics.writes().inc({ calendar: connection.calendarProvider, operation, outcome: 'ok' });
      return this.mappings.settle(mapping, { status: mapping.desired === 'absent' ? 'deleted' : 'synced', syncedRevision: mapping.revision, attempts: 0 }, [
        'lastError',
        'nextAttemptAt',
      ]);
    } catch (error) {
      metrics.writes().inc({ calendar: connection.calendarProvider, operation, outcome: 'failed' });
      if (error instanceof ApiError)
        return this.mappings.settle(mapping, { status: 'not_applicable', lastError: error.code, syncedRevision: mapping.revision });
      const attempts = mapping.attempts + 1;
      const retryAfterMs = error instanceof CalendarApiError ? error.retryAfterMs : undefined;
      const givenUp = attempts >= this.config.CALENDAR_SYNC_MAX_ATTEMPTS;
      this.logger.warn({ message: 'calendar event write failed', bookingId: mapping._id, operation, attempts, givenUp, error: (error as Error).message });
      return this.mappings.settle(
        mapping,
        {
          status: 'failed',
          attempts,
          lastError: (error as Error).message.slice(0, 500),
          ...(givenUp ? {} : { nextAttemptAt: new Date(Date.now() + nextAttemptDelayMs(attempts, this.config.CALENDAR_SYNC_RETRY_BASE_MS, retryAfterMs)) }),
        },
        givenUp ? ['nextAttemptAt'] : [],
      );
    }
  }

  private async write(api: CalendarApi, token: string, mapping: EventMappingDocument, operation: 'create' | 'update' | 'delete'): Promise<void> {
    const content = this.content(mapping);
    if (operation === 'update') return api.updateEvent(token, mapping.externalEventId!, content);
    if (operation === 'delete') {
      // Without a stored id, Google can still be asked by our key, in case a create's answer was lost.
      const id = mapping.externalEventId ?? (api.name === 'google' ? content.key : undefined);
      return id ? api.deleteEvent(token, id) : undefined;
    }
    const created = await api.createEvent(token, content);
    // The event exists now whatever happens next: its id is stored at once, outside the revision check.
    await this.mappings.recordCreatedEvent(mapping._id, api.name, created);
  }

  private content(mapping: EventMappingDocument): CalendarEventContent {
    return {
      key: eventKey(mapping._id),
      // No patient details on a calendar we do not control: the booking number leads back to them in the portal.
      summary: `Patient appointment ${mapping.bookingNumber}`,
      description: `Booking ${mapping.bookingNumber}. Details, changes and cancellations are in the provider portal.`,
      start: mapping.start,
      end: mapping.end,
      timezone: mapping.timezone,
    };
  }

  private async refreshFailingGauge(): Promise<void> {
    metrics.failing().set(await this.mappings.countFailed());
  }
}
