import { Schema } from 'mongoose';

export const TIMER_MODEL = 'Timer';

export interface TimerDocument {
  _id: string;
  kind: string;
  subjectId: string;
  dueAt: Date;
  status: 'scheduled' | 'fired' | 'cancelled';
  sourceEventId: string;
  updatedAt: Date;
}

export const TimerSchema = new Schema<TimerDocument>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    subjectId: { type: String, required: true },
    dueAt: { type: Date, required: true },
    status: { type: String, required: true, enum: ['scheduled', 'fired', 'cancelled'] },
    sourceEventId: { type: String, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'timers', versionKey: false },
);
TimerSchema.index({ status: 1, dueAt: 1 });
