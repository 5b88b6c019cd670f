import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Connection } from 'mongoose';
import { isDuplicateKey, utcDayOf } from '@bp/platform';
import { type DigestFrequency, digestPeriod } from '../domain/digest-period.js';
import type { DigestContents } from '../domain/render.js';

export interface DigestItem {
  eventId: string;
  bookingId: string;
  bookingNumber?: string;
  startTime?: string;
  deadline?: string;
}

/** One provider's new requests of one period: `open` while it collects, `closing` while it is sent, then `sent`. */
export interface Digest {
  /** `${providerId}:${frequency}:${periodStart}`: one digest per provider and period. */
  _id: string;
  providerId: string;
  frequency: DigestFrequency;
  timezone: string;
  periodStart: Date;
  periodEnd: Date;
  status: 'open' | 'closing' | 'sent';
  items: DigestItem[];
  /**
   * The items' event ids, for the "not listed yet" condition: FerretDB 1.x matches `$ne` on a field of
   * an array of documents when any element differs (MongoDB: when none equals), so `items.eventId`
   * cannot say it. (Digests written before this field existed lack it, and last an hour or a day.)
   */
  eventIds?: string[];
  updatedAt: Date;
  sentAt?: Date;
  /** The UTC day it was sent (absent before): its retention counts from it (DIGEST_RETENTION_DAYS). */
  day?: string;
}

export const DIGEST_COLLECTION = 'digests';

/** A digest whose sending died mid-way is taken over after this long (its deliveries are idempotent). */
const CLOSING_LEASE_MS = 60_000;

/** Durable digests: each new request is kept once (by event id) in its provider's current period. */
@Injectable()
export class DigestRepository implements OnModuleInit {
  private digests!: Collection<Digest>;

  constructor(@InjectConnection() private readonly connection: Connection) {}

  async onModuleInit(): Promise<void> {
    this.digests = this.connection.collection<Digest>(DIGEST_COLLECTION);
    // The sweep and the booking lookups find digests by status: an index, not a read of every digest ever sent.
    await this.digests.createIndex({ status: 1 });
  }

  /** Adds a request to the provider's digest for the period `now` falls in (the next one if that one is being sent already). */
  async add(providerId: string, frequency: DigestFrequency, timezone: string, item: DigestItem, now: Date = new Date()): Promise<Digest['_id']> {
    let at = now;
    for (;;) {
      const { start, end } = digestPeriod(frequency, timezone, at);
      const _id = `${providerId}:${frequency}:${start.toISOString()}`;
      // The period's first request creates the digest; the others add to it while it is open and lacks
      // them. (Not one upsert: FerretDB runs an upsert as a read and a write, and two requests of one
      // provider at the same moment both inserted, or both added.)
      try {
        await this.digests.insertOne({
          _id,
          providerId,
          frequency,
          timezone,
          periodStart: start,
          periodEnd: end,
          status: 'open',
          items: [item],
          eventIds: [item.eventId],
          updatedAt: now,
        });
        return _id;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      const added = await this.digests.updateOne(
        { _id, status: 'open', eventIds: { $ne: item.eventId } },
        { $push: { items: item, eventIds: item.eventId }, $set: { updatedAt: now } },
      );
      if (added.matchedCount === 1) return _id;
      const existing = await this.digests.findOne({ _id });
      if (existing?.items.some((kept) => kept.eventId === item.eventId)) return _id; // a redelivered event
      if (existing?.status === 'open') continue; // changed meanwhile: try again
      at = end; // the period is being sent: the request goes in the next one
    }
  }

  /** Open digests whose period has ended, and digests whose sending was abandoned. */
  async due(now: Date): Promise<Digest[]> {
    const [open, closing] = await Promise.all([this.digests.find({ status: 'open' }).toArray(), this.digests.find({ status: 'closing' }).toArray()]);
    return [...open.filter((d) => d.periodEnd <= now), ...closing.filter((d) => now.getTime() - d.updatedAt.getTime() >= CLOSING_LEASE_MS)];
  }

  /** Takes a due digest to send it; undefined when another replica took it. */
  async claim(digest: Digest, now: Date = new Date()): Promise<Digest | undefined> {
    const taken = await this.digests.updateOne(
      { _id: digest._id, status: digest.status, updatedAt: digest.updatedAt },
      { $set: { status: 'closing', updatedAt: now } },
    );
    return taken.modifiedCount === 1 ? { ...digest, status: 'closing', updatedAt: now } : undefined;
  }

  async markSent(id: string, now: Date = new Date()): Promise<void> {
    await this.digests.updateOne({ _id: id, status: 'closing' }, { $set: { status: 'sent', sentAt: now, updatedAt: now, day: utcDayOf(now) } });
  }

  /** Open digests listing a booking (its new-request notification waits in one). */
  waitingWith(bookingId: string): Promise<Digest[]> {
    return this.digests.find({ status: 'open', 'items.bookingId': bookingId }).toArray();
  }

  static contents(digest: Digest): DigestContents {
    return { items: digest.items, timezone: digest.timezone };
  }
}
