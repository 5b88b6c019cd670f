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

/**
 * A document to insert into another collection of the same database once the change it belongs to is
 * committed: an append-only history (an audit trail) that must not grow the aggregate's own document.
 * Its `_id` makes the insert idempotent, so the relay may repeat it after a crash.
 */
export interface OutboxRecord {
  collection: string;
  document: { _id: string } & Record<string, unknown>;
}

/** Fields an aggregate document carries to be its own outbox (ARCHITECTURE.md: single-document atomicity). */
export interface OutboxFields {
  outbox: OutboxEntry[];
  /** History records waiting to be moved to their collection (published like the messages, cleared with them). */
  outboxRecords?: OutboxRecord[];
  /** Set while `outbox` is not empty: the time the oldest entry was written. The relay's index. */
  outboxPendingSince?: Date;
  /**
   * True while entries wait: the relay's filter. An equality on a scalar, because engines without
   * full index support (FerretDB v1 pushes down only equalities) would otherwise decode every
   * document of the collection on each sweep.
   */
  outboxPending?: true;
  /** A relay replica's claim while it publishes, so two replicas do not publish the same entries. */
  outboxLockedUntil?: Date;
  /**
   * Bumped by every write that appends entries. The relay removes what it published only if the
   * revision it read is still current, so it never drops an entry appended while it was publishing
   * (portable replacement for `$pull` by condition, which FerretDB v1 does not implement).
   */
  outboxRevision: number;
}

/** Every outbox field, so that what a store returns never carries them (the list is checked against OutboxFields). */
const OUTBOX_FIELD_NAMES = {
  outbox: true,
  outboxRecords: true,
  outboxPendingSince: true,
  outboxPending: true,
  outboxLockedUntil: true,
  outboxRevision: true,
} satisfies Record<keyof OutboxFields, true>;

/** A stored document as its aggregate: the outbox fields left out. */
export type WithoutOutbox<D> = Omit<D, keyof OutboxFields>;

export function withoutOutbox<D extends object>(document: D): WithoutOutbox<D> {
  const copy: Record<string, unknown> = { ...(document as Record<string, unknown>) };
  for (const field of Object.keys(OUTBOX_FIELD_NAMES)) delete copy[field];
  return copy as WithoutOutbox<D>;
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
    outboxRecords: { type: [Schema.Types.Mixed], default: undefined },
    // No defaults: "absent" means nothing pending, and $min on an absent field sets it (null would win).
    outboxPendingSince: { type: Date },
    outboxPending: { type: Boolean },
    outboxLockedUntil: { type: Date },
    outboxRevision: { type: Number, default: 0 },
  });
  schema.index({ outboxPending: 1 }, { sparse: true });
  return schema;
}

/**
 * A retention rule's condition (`RetentionRule.onlyIf`, @bp/platform) for a collection whose documents
 * carry an outbox: a finished document goes only once its messages are published.
 */
export const outboxPublished = { outboxPending: { $ne: true } };

export function toOutboxEntries(messages: OutgoingMessage[]): OutboxEntry[] {
  return messages.map(({ topic, key, envelope }) => ({ eventId: envelope.eventId, topic, key, envelope, createdAt: new Date(envelope.occurredAt) }));
}

/** The outbox part of an insert: the new document, its events and its history records are one write. With none, nothing is pending. */
export function outboxOnInsert(messages: OutgoingMessage[], now: Date = new Date(), records: OutboxRecord[] = []): OutboxFields {
  if (messages.length === 0 && records.length === 0) return { outbox: [], outboxRevision: 0 };
  return {
    outbox: toOutboxEntries(messages),
    ...(records.length > 0 ? { outboxRecords: records } : {}),
    outboxPendingSince: now,
    outboxPending: true,
    outboxRevision: 1,
  };
}

type UpdateOperators = Record<string, Record<string, unknown> | undefined>;

/**
 * Adds the outbox part to a state change's update document, so the change and its events are one
 * single-document write: `updateOne(filter, withOutboxUpdate({ $set: {...} }, [event]))`.
 */
export function withOutboxUpdate<U extends UpdateOperators>(update: U, messages: OutgoingMessage[], now: Date = new Date(), records: OutboxRecord[] = []): U {
  if (messages.length === 0 && records.length === 0) return update;
  return {
    ...update,
    $push: {
      ...update['$push'],
      ...(messages.length > 0 ? { outbox: { $each: toOutboxEntries(messages) } } : {}),
      ...(records.length > 0 ? { outboxRecords: { $each: records } } : {}),
    },
    $set: { ...update['$set'], outboxPending: true },
    $min: { ...update['$min'], outboxPendingSince: now },
    $inc: { ...update['$inc'], outboxRevision: 1 },
  };
}

/** The outbox fields a clear removes; `outbox` itself becomes empty. */
const CLEARED = { outboxRecords: 1, outboxPending: 1, outboxPendingSince: 1, outboxLockedUntil: 1 } as const;

/** A change with nothing to publish that also clears what an earlier publish sent (the same condition as withOutboxReplaced). */
export function withOutboxCleared<U extends UpdateOperators>(update: U): U {
  return { ...update, $set: { ...update['$set'], outbox: [] }, $unset: { ...update['$unset'], ...CLEARED } };
}

/** What the relay writes once a document's entries are all published (a new object each time: mongoose may change what it is given). */
export function outboxClear(): UpdateOperators {
  return withOutboxCleared({});
}

/**
 * Like withOutboxUpdate, for a write that also clears what an earlier publish sent: the outbox becomes
 * this change's entries alone. Only for a filter that also names the revision that publish saw
 * (`outboxRevision`), so nothing appended since is dropped (OutboxRelay.takeDeferredClear).
 */
export function withOutboxReplaced<U extends UpdateOperators>(update: U, messages: OutgoingMessage[], now: Date, records: OutboxRecord[] = []): U {
  return {
    ...update,
    $set: {
      ...update['$set'],
      outbox: toOutboxEntries(messages),
      ...(records.length > 0 ? { outboxRecords: records } : {}),
      outboxPending: true,
      outboxPendingSince: now,
    },
    ...(records.length > 0 ? {} : { $unset: { ...update['$unset'], outboxRecords: 1 } }),
    $inc: { ...update['$inc'], outboxRevision: 1 },
  };
}
