import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Connection } from 'mongoose';

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
}

const DUPLICATE_KEY = 11000;
const RETENTION_SECONDS = 30 * 24 * 3600;

/**
 * Inbox in the service's own database. A record is written after the handler succeeded, so a crash
 * mid-handler means the message is handled again: handlers are written to be idempotent on their own
 * state (conditional updates, upserts by natural key) and the inbox makes the normal redelivery free.
 */
@Injectable()
export class MongoInbox implements Inbox, OnModuleInit {
  private collection!: Collection<InboxRecord>;

  constructor(@InjectConnection() private readonly connection: Connection) {}

  async onModuleInit(): Promise<void> {
    this.collection = this.connection.collection<InboxRecord>('inbox');
    // Garbage collection only: correctness never depends on when the TTL monitor runs.
    await this.collection.createIndex({ processedAt: 1 }, { expireAfterSeconds: RETENTION_SECONDS });
  }

  async hasProcessed(group: string, eventId: string): Promise<boolean> {
    return (await this.collection.countDocuments({ _id: `${group}:${eventId}` }, { limit: 1 })) > 0;
  }

  async markProcessed(group: string, eventId: string, type: string): Promise<void> {
    try {
      await this.collection.insertOne({ _id: `${group}:${eventId}`, group, eventId, type, processedAt: new Date() });
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
