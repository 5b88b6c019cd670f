import { Schema } from 'mongoose';
import type { CalendarProviderName } from '../../calendar-apis/domain/calendar-api.js';
import type { DesiredEvent, SyncStatus } from '../domain/event-sync.js';

export const EVENT_MAPPING_MODEL = 'EventMapping';

/**
 * One document per booking: what the provider's calendar should show (desired state, from the
 * latest booking event), the calendar event we made for it, and how syncing went.
 */
export interface EventMappingDocument {
  _id: string; // booking id
  providerId: string;
  bookingNumber: string;
  desired: DesiredEvent;
  start: Date;
  end: Date;
  timezone: string;
  /** The booking event version that set `desired`: an older, late event changes nothing. */
  sourceVersion: number;
  /** Bumped by every change of what is desired; a sync writes its result only if it is unchanged. */
  revision: number;
  /** The revision the calendar reflects. */
  syncedRevision: number;
  calendarProvider?: CalendarProviderName;
  externalEventId?: string;
  eventLink?: string;
  status: SyncStatus;
  attempts: number;
  lastError?: string;
  nextAttemptAt?: Date;
  updatedAt: Date;
}

export const EventMappingSchema = new Schema<EventMappingDocument>(
  {
    _id: { type: String, required: true },
    providerId: { type: String, required: true },
    bookingNumber: { type: String, required: true },
    desired: { type: String, required: true, enum: ['present', 'absent'] },
    start: { type: Date, required: true },
    end: { type: Date, required: true },
    timezone: { type: String, required: true },
    sourceVersion: { type: Number, required: true },
    revision: { type: Number, required: true },
    syncedRevision: { type: Number, required: true },
    calendarProvider: { type: String },
    externalEventId: { type: String },
    eventLink: { type: String },
    status: { type: String, required: true, enum: ['pending', 'synced', 'deleted', 'failed', 'not_applicable'] },
    attempts: { type: Number, required: true },
    lastError: { type: String },
    nextAttemptAt: { type: Date },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'event_mappings', versionKey: false },
);
EventMappingSchema.index({ status: 1 });
