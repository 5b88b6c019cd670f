import type { Model } from 'mongoose';
import type { OutgoingMessage } from '@bp/messaging';
import { DuplicateKeyConflict, VersionConflict, type WriteResult } from '@bp/platform';
import type { OutboxRelay } from './outbox-relay.js';
import {
  type OutboxFields,
  type OutboxRecord,
  type WithoutOutbox,
  outboxOnInsert,
  withOutboxCleared,
  withOutboxReplaced,
  withOutboxUpdate,
  withoutOutbox,
} from './outbox.schema.js';

/** A stored aggregate: its own id, its state, and the outbox fields the store keeps to itself. */
type StoredDocument = OutboxFields & { _id: unknown };

/** Update operators (`$set`, `$unset`, `$inc`, …) of a state change; the store adds the outbox's own. */
export type StateChange = Record<string, Record<string, unknown> | undefined>;

export interface WriteOptions {
  /** Documents for other collections (an audit trail), moved there by the relay once the write is committed. */
  records?: OutboxRecord[];
  /** When the change happened: the age the relay measures its lag from. */
  now?: Date;
}

/**
 * Writes an aggregate together with the messages its change produces: one single-document write (an
 * insert, or an update conditional on the filter), so the state and its messages are committed
 * together or not at all (ARCHITECTURE.md, Data rules), then asks the relay to publish them at once.
 * An update also removes what the relay published since the document's last write, instead of the
 * relay's own clearing write (OutboxRelay.takeDeferredClear); when the document's outbox changed
 * meanwhile, the write is made again without that, so the clear costs a write only on such a race.
 * A duplicate key or a conditional update that matched nothing comes back as a typed conflict, not as
 * an error to decode; what it returns never carries the outbox fields.
 */
export class AggregateStore<D extends StoredDocument> {
  constructor(
    private readonly model: Model<D>,
    private readonly relay: OutboxRelay,
  ) {}

  /** Inserts a new aggregate with its messages; a conflict when a unique index (its id, or another key) holds one of its values. */
  async insert(
    document: WithoutOutbox<D>,
    messages: OutgoingMessage[] = [],
    { records = [], now = new Date() }: WriteOptions = {},
  ): Promise<WriteResult<WithoutOutbox<D>, DuplicateKeyConflict>> {
    const written = { ...document, ...outboxOnInsert(messages, now, records) };
    try {
      await this.model.create(written as D);
    } catch (error) {
      const conflict = DuplicateKeyConflict.of(error);
      if (conflict) return { ok: false, conflict };
      throw error;
    }
    if (written.outboxPending) this.relay.publishSoon(this.model, written._id, written);
    return { ok: true, document };
  }

  /**
   * Applies a state change to the document the filter matches (its id and the version, status or time
   * it was read at) with the change's messages; a VersionConflict when it matches nothing: another write
   * got there first, or the document is gone.
   */
  async update(
    filter: { _id: D['_id'] } & Record<string, unknown>,
    change: StateChange,
    messages: OutgoingMessage[] = [],
    options: WriteOptions = {},
  ): Promise<WriteResult<WithoutOutbox<D>, VersionConflict>> {
    const written = await this.write(filter, change, messages, options, false);
    return written ? { ok: true, document: written } : { ok: false, conflict: new VersionConflict(this.model.collection.collectionName, filter._id) };
  }

  /**
   * A conditional state change that publishes nothing and needs no answer but whether it applied: one
   * plain update (an engine without full transactions runs a find-and-modify as several statements),
   * false when the filter matched nothing. Like every write of the store but an upsert, it carries the
   * clear the relay holds from the document's last publish, when nothing was appended since.
   */
  async change(filter: { _id: D['_id'] } & Record<string, unknown>, change: StateChange): Promise<boolean> {
    const clear = this.relay.takeDeferredClear(this.model, filter._id);
    if (clear) {
      if (await this.updateOne({ ...filter, outboxRevision: clear.revision }, withOutboxCleared(change))) return true;
      this.relay.returnDeferredClear(clear);
    }
    return this.updateOne(filter, change);
  }

  /** Applies a state change to the document with this id whatever its state, creating it when there is none. */
  async upsert(id: D['_id'], change: StateChange, messages: OutgoingMessage[] = [], options: WriteOptions = {}): Promise<WithoutOutbox<D>> {
    return (await this.write({ _id: id }, change, messages, options, true))!;
  }

  private async write(
    filter: { _id: D['_id'] } & Record<string, unknown>,
    change: StateChange,
    messages: OutgoingMessage[],
    { records = [], now = new Date() }: WriteOptions,
    upsert: boolean,
  ): Promise<WithoutOutbox<D> | undefined> {
    const publishes = messages.length > 0 || records.length > 0;
    // The clear the relay holds from this document's last publish rides on this write when nothing was appended since.
    const clear = upsert ? undefined : this.relay.takeDeferredClear(this.model, filter._id);
    let written: D | null = null;
    if (clear) {
      const carryingClear = publishes ? withOutboxReplaced(change, messages, now, records) : withOutboxCleared(change);
      written = await this.findOneAndUpdate({ ...filter, outboxRevision: clear.revision }, carryingClear, false);
      if (!written) this.relay.returnDeferredClear(clear);
    }
    written ??= await this.findOneAndUpdate(filter, withOutboxUpdate(change, messages, now, records), upsert);
    if (!written) return undefined;
    if (publishes) this.relay.publishSoon(this.model, written._id, written);
    return withoutOutbox(written);
  }

  private findOneAndUpdate(filter: Record<string, unknown>, update: StateChange, upsert: boolean): Promise<D | null> {
    return this.model.findOneAndUpdate(filter as never, update as never, { returnDocument: 'after', upsert }).lean<D>();
  }

  private async updateOne(filter: Record<string, unknown>, change: StateChange): Promise<boolean> {
    return (await this.model.updateOne(filter as never, change as never)).matchedCount === 1;
  }
}
