import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Connection } from 'mongoose';
import { isDuplicateKey, utcDayOf } from '@bp/platform';

export interface StoredStripeEvent {
  _id: string;
  type: string;
  created: Date;
  object: Record<string, unknown>;
  receivedAt: Date;
  processedAt?: Date;
  outcome?: string;
  /** Set while the event waits to be processed: the processor's filter, an equality the database answers from its index. */
  pending?: true;
  /** Failed processing attempts so far, the last error, and when the next may run. */
  attempts?: number;
  lastError?: string;
  retryAt?: Date;
  /** Set when processing failed STRIPE_EVENT_MAX_ATTEMPTS times: left for an admin (redrive), no longer tried. */
  parked?: true;
  /** The UTC day it was processed: only processed events carry it, and retention deletes them by it (STRIPE_EVENT_RETENTION_DAYS). */
  day?: string;
}

export const STRIPE_EVENTS_COLLECTION = 'stripe_events';

/** Stripe's events by id: a redelivered event is recognised and not processed again. */
@Injectable()
export class StripeEventStore implements OnModuleInit {
  private events!: Collection<StoredStripeEvent>;

  constructor(@InjectConnection() private readonly connection: Connection) {}

  async onModuleInit(): Promise<void> {
    this.events = this.connection.collection<StoredStripeEvent>(STRIPE_EVENTS_COLLECTION);
    await this.events.createIndex({ pending: 1 }, { sparse: true });
    await this.events.createIndex({ parked: 1 }, { sparse: true });
  }

  /** False when this event id was stored before (a duplicate delivery). */
  async add(event: Omit<StoredStripeEvent, 'processedAt' | 'outcome' | 'pending'>): Promise<boolean> {
    try {
      await this.events.insertOne({ ...event, pending: true });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  unprocessed(limit = 50): Promise<StoredStripeEvent[]> {
    return this.events.find({ pending: true }).sort({ created: 1 }).limit(limit).toArray();
  }

  /** Done with: from now on the event only recognises a redelivery, and goes after its retention (`day`). */
  async markProcessed(id: string, outcome: string, now: Date = new Date()): Promise<void> {
    await this.events.updateOne({ _id: id }, { $set: { processedAt: now, outcome, day: utcDayOf(now) }, $unset: { pending: 1, retryAt: 1 } });
  }

  /** A failed attempt: tried again at `retryAt`. */
  async markFailed(id: string, attempts: number, error: string, retryAt: Date): Promise<void> {
    await this.events.updateOne({ _id: id }, { $set: { attempts, lastError: error, retryAt } });
  }

  /** Given up after its attempts: out of the processor's way, kept for an admin to look at and redrive. */
  async park(id: string, attempts: number, error: string): Promise<void> {
    await this.events.updateOne(
      { _id: id },
      // No `day`: a parked event stays until an admin redrives it (and it is processed).
      { $set: { attempts, lastError: error, parked: true, outcome: `parked: ${error}` }, $unset: { pending: 1, retryAt: 1, day: 1 } },
    );
  }

  parkedEvents(limit = 100): Promise<StoredStripeEvent[]> {
    return this.events.find({ parked: true }).limit(limit).toArray();
  }

  /** Puts a parked event back in line, its attempts counted afresh; false when there is no such parked event. */
  async redrive(id: string): Promise<boolean> {
    const result = await this.events.updateOne(
      { _id: id, parked: true },
      { $set: { pending: true, attempts: 0 }, $unset: { parked: 1, retryAt: 1, outcome: 1 } },
    );
    return result.modifiedCount === 1;
  }

  find(id: string): Promise<StoredStripeEvent | null> {
    return this.events.findOne({ _id: id });
  }
}
