import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Connection } from 'mongoose';
import { KeyedBatches, RecentMap, type RetentionRule, insertNew, utcDayOf } from '@bp/platform';

/** Remembers which messages a consumer group has fully handled, so a redelivery is a no-op. */
export interface Inbox {
  /** Asks the database: for a message the group may have handled before (one in the log before this member began reading its partition). */
  hasProcessed(group: string, eventId: string): Promise<boolean>;
  /**
   * Asks this process's memory of what it recorded: enough for a message written after this member
   * began reading its partition, which can only repeat an event this process handled (a producer that
   * published an event again), unless a restart or rebalance fell between the two copies.
   */
  hasProcessedHere(group: string, eventId: string): boolean;
  markProcessed(group: string, eventId: string, type: string): Promise<void>;
}

export const INBOX = Symbol('INBOX');

interface InboxRecord {
  _id: string;
  group: string;
  eventId: string;
  type: string;
  processedAt: Date;
  /** The UTC day it was processed: its retention counts from it (inboxRetention). */
  day?: string;
}

/**
 * The inbox's row of every consuming service's retention table (RetentionModule, @bp/platform): a record
 * is kept 30 days after its message was handled, far longer than a redelivery comes (a rebalance, a
 * restart, a producer publishing again: seconds to hours); a copy arriving later is handled again, and
 * handlers are idempotent on their own state anyway. Garbage collection by a periodic delete rather
 * than a TTL index: TTL indexes are not available on every MongoDB-compatible engine we run on
 * (FerretDB v1), and correctness never depends on when old records go.
 */
export const inboxRetention: RetentionRule = { collection: 'inbox', keepFor: { days: 30 } };
/**
 * How long a handled message's record waits for others to share its insert. Under load a consumer
 * finishes messages every few milliseconds, and one insert of several records costs the engine little
 * more than one of one (multi-row INSERT on FerretDB). The next message of the same key waits for it,
 * which at a trickle adds this much per message of a key, never to the latency of what a handler published.
 */
const INBOX_WRITE_LINGER_MS = 10;
/** Event ids this process recorded, newest kept: a republish comes seconds or minutes after the first copy. */
const REMEMBERED_IDS = 50_000;

/**
 * Inbox in the service's own database. A record is written after the handler succeeded, so a crash
 * mid-handler means the message is handled again: handlers are written to be idempotent on their own
 * state (conditional updates, upserts by natural key) and the inbox makes the normal redelivery free.
 */
@Injectable()
export class MongoInbox implements Inbox, OnModuleInit {
  private collection!: Collection<InboxRecord>;
  /**
   * Records finished while a write is under way go in the next one, and a record finding none under way
   * waits INBOX_WRITE_LINGER_MS for others: one insert per round trip, not per message.
   */
  private readonly writes = new KeyedBatches<InboxRecord>((_, records) => this.insertAll(records), { lingerMs: INBOX_WRITE_LINGER_MS });
  private readonly recorded = new RecentMap<true>(REMEMBERED_IDS);

  constructor(@InjectConnection() private readonly connection: Connection) {}

  onModuleInit(): void {
    this.collection = this.connection.collection<InboxRecord>(inboxRetention.collection);
  }

  /** One indexed lookup by _id returning only the _id (countDocuments would be an aggregation on FerretDB). */
  async hasProcessed(group: string, eventId: string): Promise<boolean> {
    return (await this.collection.findOne({ _id: `${group}:${eventId}` }, { projection: { _id: 1 } })) !== null;
  }

  hasProcessedHere(group: string, eventId: string): boolean {
    return this.recorded.has(`${group}:${eventId}`);
  }

  async markProcessed(group: string, eventId: string, type: string): Promise<void> {
    const processedAt = new Date();
    const id = `${group}:${eventId}`;
    await this.writes.submit('inbox', { _id: id, group, eventId, type, processedAt, day: utcDayOf(processedAt) });
    this.recorded.set(id, true);
  }

  /** One unordered insert; a record there already (a redelivery handled twice) is not an error. */
  private async insertAll(records: InboxRecord[]): Promise<void[]> {
    await insertNew(this.collection, records);
    return records.map(() => undefined);
  }
}

/** For consumers with no durable state (the gateway's live stream): every delivery is handled. */
@Injectable()
export class NoInbox implements Inbox {
  async hasProcessed(): Promise<boolean> {
    return false;
  }

  hasProcessedHere(): boolean {
    return false;
  }

  async markProcessed(): Promise<void> {}
}
