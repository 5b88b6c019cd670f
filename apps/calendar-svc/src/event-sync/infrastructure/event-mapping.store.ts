import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { isDuplicateKey } from '@bp/platform';
import type { CalendarProviderName } from '../../calendar-apis/domain/calendar-api.js';
import { EVENT_MAPPING_MODEL, type EventMappingDocument } from './event-mapping.schema.js';

/** What a booking event says its calendar event should be. */
export type WantedEvent = Pick<EventMappingDocument, 'desired' | 'start' | 'end' | 'timezone' | 'sourceVersion'>;

/**
 * The event mappings (`event_mappings`), one per booking. What is wanted changes only on the revision
 * it was read at, and a sync's result is written only if that revision is still current, so a sync
 * never records an outcome for a wish that changed under it.
 */
@Injectable()
export class EventMappingStore {
  constructor(@InjectModel(EVENT_MAPPING_MODEL) private readonly mappings: Model<EventMappingDocument>) {}

  async find(bookingId: string): Promise<EventMappingDocument | undefined> {
    return (await this.mappings.findById(bookingId).lean<EventMappingDocument>()) ?? undefined;
  }

  /** A booking's first mapping, as stored; undefined when a redelivery created it meanwhile. */
  async create(
    bookingId: string,
    booking: Pick<EventMappingDocument, 'providerId' | 'bookingNumber'>,
    wanted: WantedEvent,
    now: Date,
  ): Promise<EventMappingDocument | undefined> {
    const mapping: EventMappingDocument = {
      _id: bookingId,
      ...booking,
      ...wanted,
      revision: 1,
      syncedRevision: 0,
      status: 'pending',
      attempts: 0,
      updatedAt: now,
    };
    return this.mappings.create(mapping).then(
      () => mapping,
      (error: unknown) => {
        if (isDuplicateKey(error)) return undefined;
        throw error;
      },
    );
  }

  /** Records a new wish as the next revision, to be synced afresh: the mapping as stored; undefined when it changed since it was read. */
  async revise(existing: EventMappingDocument, wanted: WantedEvent, now: Date): Promise<EventMappingDocument | undefined> {
    const revised = { ...wanted, revision: existing.revision + 1, status: 'pending' as const, attempts: 0, updatedAt: now };
    const result = await this.mappings.updateOne(
      { _id: existing._id, revision: existing.revision },
      { $set: revised, $unset: { nextAttemptAt: 1, lastError: 1 } },
    );
    if (result.modifiedCount !== 1) return undefined;
    const { nextAttemptAt: _next, lastError: _error, ...kept } = existing;
    return { ...kept, ...revised };
  }

  /** Writes a sync's outcome if the mapping is still at the revision synced; false when it changed meanwhile. */
  async settle(mapping: EventMappingDocument, fields: Partial<EventMappingDocument>, unset: (keyof EventMappingDocument)[] = []): Promise<boolean> {
    const result = await this.mappings.updateOne(
      { _id: mapping._id, revision: mapping.revision },
      { $set: { ...fields, updatedAt: new Date() }, ...(unset.length ? { $unset: Object.fromEntries(unset.map((k) => [k, 1])) } : {}) },
    );
    return result.modifiedCount === 1;
  }

  /** The calendar event made for the booking: stored at once, whatever the revision, since it exists now. */
  async recordCreatedEvent(bookingId: string, calendarProvider: CalendarProviderName, created: { id: string; link?: string }): Promise<void> {
    await this.mappings.updateOne(
      { _id: bookingId },
      { $set: { externalEventId: created.id, calendarProvider, ...(created.link ? { eventLink: created.link } : {}) } },
    );
  }

  /** The failed mappings (with their next attempt) and the pending ones (with their last update), by status equalities. */
  async failedAndPending(): Promise<{ failed: EventMappingDocument[]; pending: EventMappingDocument[] }> {
    const [failed, pending] = await Promise.all([
      this.mappings.find({ status: 'failed' }, { _id: 1, nextAttemptAt: 1 }).lean<EventMappingDocument[]>(),
      this.mappings.find({ status: 'pending' }, { _id: 1, updatedAt: 1 }).lean<EventMappingDocument[]>(),
    ]);
    return { failed, pending };
  }

  countFailed(): Promise<number> {
    return this.mappings.countDocuments({ status: 'failed' });
  }
}
