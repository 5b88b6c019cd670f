import { Schema } from 'mongoose';
import { type OutboxFields, withOutboxFields } from '@bp/outbox';
import type { TimerData } from '../domain/timer.js';

export const TIMER_MODEL = 'Timer';
export const TIMER_COLLECTION = 'timers';

export type TimerDocument = {
  _id: string;
  kind: string;
  subjectId: string;
  dueAt: Date;
  /** pollMinuteOf(dueAt, when set): the minute bucket the poll (and the catch-up) finds it in. */
  pollMinute?: string;
  status: 'scheduled' | 'fired' | 'cancelled';
  sourceEventId: string;
  /** What the fired message says (parties, the deadline or appointment time). */
  data?: TimerData;
  /** The event time that set the timer: an older event arriving late does not move it back. */
  sourceOccurredAt?: Date;
  firedAt?: Date;
  updatedAt: Date;
  /** The UTC day it fired or was cancelled (absent while scheduled): its retention counts from it (TIMER_RETENTION_DAYS). */
  day?: string;
} & OutboxFields;

/** One document per deadline, carrying the command it fires in its own outbox (one atomic write fires it). */
export const TimerSchema = withOutboxFields(
  new Schema<TimerDocument>(
    {
      _id: { type: String, required: true },
      kind: { type: String, required: true },
      subjectId: { type: String, required: true },
      dueAt: { type: Date, required: true },
      pollMinute: { type: String },
      status: { type: String, required: true, enum: ['scheduled', 'fired', 'cancelled'] },
      sourceEventId: { type: String, required: true },
      sourceOccurredAt: { type: Date },
      data: { type: Schema.Types.Mixed },
      firedAt: { type: Date },
      updatedAt: { type: Date, required: true },
      day: { type: String },
    },
    { collection: TIMER_COLLECTION, versionKey: false },
  ),
);
TimerSchema.index({ status: 1, pollMinute: 1 });
// A booking's timers, read together when its status changes.
TimerSchema.index({ subjectId: 1 });
