import { Schema } from 'mongoose';
import type { OutgoingMessage } from '@bp/messaging';

/** A message waiting to be published, stored inside the document whose change it describes. */
export interface OutboxEntry {
  eventId: string;
  topic: string;
  key: string;
  envelope: OutgoingMessage['envelope'];
  createdAt: Date;
}

/** Fields an aggregate document carries to be its own outbox (ARCHITECTURE.md: single-document atomicity). */
export interface OutboxFields {
  outbox: OutboxEntry[];
  /** Set while `outbox` is not empty: the time the oldest entry was written. The relay's index. */
  outboxPendingSince?: Date;
  /** A relay replica's claim while it publishes, so two replicas do not publish the same entries. */
  outboxLockedUntil?: Date;
}

const OutboxEntrySchema = new Schema<OutboxEntry>(
  {
    eventId: { type: String, required: true },
    topic: { type: String, required: true },
    key: { type: String, required: true },
    envelope: { type: Schema.Types.Mixed, required: true },
    createdAt: { type: Date, required: true },
  },
  { _id: false },
);

/** Adds the outbox fields and the relay's index to an aggregate schema. */
export function withOutboxFields<S extends Schema<any>>(schema: S): S {
  (schema as Schema).add({
    outbox: { type: [OutboxEntrySchema], default: [] },
    // No defaults: "absent" means nothing pending, and $min on an absent field sets it (null would win).
    outboxPendingSince: { type: Date },
    outboxLockedUntil: { type: Date },
  });
  schema.index({ outboxPendingSince: 1 });
  return schema;
}

export function toOutboxEntries(messages: OutgoingMessage[]): OutboxEntry[] {
  return messages.map(({ topic, key, envelope }) => ({ eventId: envelope.eventId, topic, key, envelope, createdAt: new Date(envelope.occurredAt) }));
}

/** The outbox part of an insert: the new document and its events are one write. */
export function outboxOnInsert(messages: OutgoingMessage[], now: Date = new Date()): OutboxFields {
  return { outbox: toOutboxEntries(messages), outboxPendingSince: now };
}

/** The outbox part of a conditional update: merge into the state change's update document. */
export function outboxOnUpdate(messages: OutgoingMessage[], now: Date = new Date()) {
  return {
    $push: { outbox: { $each: toOutboxEntries(messages) } },
    $min: { outboxPendingSince: now },
  };
}
