import { Schema } from 'mongoose';

export const ACTIVITY_MODEL = 'Activity';

/** One line of a recipient's booking activity, keyed by (event, recipient) so a redelivered event cannot add it twice. */
export interface ActivityDocument {
  _id: string;
  eventId: string;
  recipientId: string;
  recipientRole: 'patient' | 'provider';
  kind: string;
  subjectId: string;
  occurredAt: Date;
  recordedAt: Date;
}

export const ActivitySchema = new Schema<ActivityDocument>(
  {
    _id: { type: String, required: true },
    eventId: { type: String, required: true },
    recipientId: { type: String, required: true },
    recipientRole: { type: String, required: true, enum: ['patient', 'provider'] },
    kind: { type: String, required: true },
    subjectId: { type: String, required: true },
    occurredAt: { type: Date, required: true },
    recordedAt: { type: Date, required: true },
  },
  { collection: 'activity', versionKey: false },
);
ActivitySchema.index({ recipientId: 1, occurredAt: -1 });
