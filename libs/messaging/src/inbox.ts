import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Connection } from 'mongoose';
import { DayPruner, utcDayOf } from '@bp/platform';

/** Remembers which messages a consumer group has fully handled, so a redelivery is a no-op. */
export interface Inbox {
  hasProcessed(group: string, eventId: string): Promise<boolean>;
  markProcessed(group: string, eventId: string, type: string): Promise<void>;
}

export const INBOX = Symbol('INBOX');

interface InboxRecord {
  _id: string;
  group: string;
  eventId: string;
  type: string;
  processedAt: Date;
  /** The UTC day it was processed: records are pruned a day at a time (DayPruner). */
  day?: string;
}

const DUPLICATE_KEY = 11000;
const RETENTION_MS = 30 * 24 * 3600 * 1000;
const PRUNE_INTERVAL_MS = 3600 * 1000;

/**
 * Inbox in the service's own database. A record is written after the handler succeeded, so a crash
 * mid-handler means the message is handled again: handlers are written to be idempotent on their own
 * state (conditional updates, upserts by natural key) and the inbox makes the normal redelivery free.
 */
@Injectable()
export class MongoInbox implements Inbox, OnModuleInit, OnModuleDestroy {
  private collection!: Collection<InboxRecord>;
  private readonly pruner = new DayPruner<InboxRecord>(() => this.collection);
  private pruneTimer?: NodeJS.Timeout;

  constructor(@InjectConnection() private readonly connection: Connection) {}

  async onModuleInit(): Promise<void> {
    this.collection = this.connection.collection<InboxRecord>('inbox');
    // Garbage collection only, by a periodic delete rather than a TTL index: TTL indexes are not
    // available on every MongoDB-compatible engine we run on (FerretDB v1), and correctness never
    // depends on when old records go.
    await this.collection.createIndex({ day: 1 });
    this.pruneTimer = setInterval(() => void this.prune().catch(() => undefined), PRUNE_INTERVAL_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.pruneTimer);
  }

  /** Deletes the records of the days before the retention's first day. */
  prune(now = new Date()): Promise<number> {
    return this.pruner.pruneBefore(new Date(now.getTime() - RETENTION_MS));
  }

  /** One indexed lookup by _id returning only the _id (countDocuments would be an aggregation on FerretDB). */
  async hasProcessed(group: string, eventId: string): Promise<boolean> {
    return (await this.collection.findOne({ _id: `${group}:${eventId}` }, { projection: { _id: 1 } })) !== null;
  }

  async markProcessed(group: string, eventId: string, type: string): Promise<void> {
    try {
      const processedAt = new Date();
      await this.collection.insertOne({ _id: `${group}:${eventId}`, group, eventId, type, processedAt, day: utcDayOf(processedAt) });
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
    }
  }
}

/** For consumers with no durable state (the gateway's live stream): every delivery is handled. */
@Injectable()
export class NoInbox implements Inbox {
  async hasProcessed(): Promise<boolean> {
    return false;
  }

  async markProcessed(): Promise<void> {}
}
