import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Connection } from 'mongoose';
import { isDuplicateKey, KeyedBatches, RecentMap } from '@bp/platform';
import { BookingError, BookingErrorCode } from '../../shared/domain/booking-error.js';
import { walkBucketOf } from '../../shared/infrastructure/walk-bucket.js';
import { type BookingStats, EMPTY_BOOKING_STATS } from '../domain/booking-stats.js';
import type { TrustScore } from '../domain/provider-stats.js';

/**
 * A provider's booking stats and trust score, apart from the provider's own document: they change
 * with every booking event, while the profile (hours, services, settings) is read on every booking
 * request and changes rarely. Kept here, the profile stays small and the stats writes never meet
 * the profile's.
 */
export interface ProviderStatsDocument {
  _id: string;
  stats: BookingStats;
  trustScore?: TrustScore;
  /** Bumped by every write, which is conditional on it. */
  statsVersion: number;
  /**
   * The last booking events folded in (bounded), so a redelivered event is not counted twice: their
   * ids in one string, each UUID in 22 characters (`compactEventId`), separated by spaces. One string,
   * because FerretDB stores a type entry for every element of an array: as the list `statsEventIds`
   * (still read, and removed at the next write; the release before reads only it) they were most of
   * the document, read and written whole on every booking event.
   */
  statsEvents?: string;
  statsEventIds?: string[];
  /** When the provider's account was opened (the trust score's account-age factor). */
  accountCreatedAt?: Date;
  /** walkBucketOf(_id): the periodic recompute reads the providers a bucket at a time, by indexed equality. */
  walkBucket: number;
}

/** What a stats update sees besides the stats: when the account was opened. */
export interface StatsAccount {
  createdAt?: Date;
}

/** A stats update's result: the new stats and, when given, the new trust score. */
export interface StatsUpdate {
  stats: BookingStats;
  trustScore?: TrustScore;
}

export type StatsOutcome = { outcome: 'recorded'; stats: BookingStats; trustScore?: TrustScore } | { outcome: 'duplicate' } | { outcome: 'not_found' };

type Apply = (stats: BookingStats, account: StatsAccount) => StatsUpdate;

interface Pending {
  apply: Apply;
  eventId?: string;
}

export const PROVIDER_STATS_COLLECTION = 'provider_stats';

/** How many booking events a provider remembers as counted (far more than can be in flight for one provider). */
const REMEMBERED_STATS_EVENTS = 200;
const STATS_WRITE_ATTEMPTS = 10;
/** Providers whose stats document this process last wrote is remembered (see `written`). */
const WRITTEN_STATS_REMEMBERED = 10_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An event id as the stats remember it: a UUID's 16 bytes in base64url, anything else as it is. */
export function compactEventId(eventId: string): string {
  return UUID.test(eventId) ? Buffer.from(eventId.replaceAll('-', ''), 'hex').toString('base64url') : eventId;
}

function rememberedEvents(doc: Pick<ProviderStatsDocument, 'statsEvents' | 'statsEventIds'>): string[] {
  return [...(doc.statsEventIds ?? []).map(compactEventId), ...(doc.statsEvents ?? '').split(' ').filter(Boolean)];
}

/**
 * Provider stats, one document per provider. Updates of one provider are applied one batch at a time
 * in this process: every update that queued while a write was in flight goes into the next write, so
 * a provider with many bookings at once is written once per round trip instead of racing itself.
 */
@Injectable()
export class ProviderStatsStore implements OnModuleInit {
  private stats!: Collection<ProviderStatsDocument>;
  private readonly writes = new KeyedBatches<Pending, StatsOutcome>((providerId, batch) => this.writeBatch(providerId, batch));
  /**
   * Each provider's stats as this process last wrote them. Writes for a provider are one batch at a
   * time here, so the next starts from them instead of reading the document back; its write, conditional
   * on the version, still fails if another replica wrote meanwhile, and then the document is read.
   */
  private readonly written = new RecentMap<ProviderStatsDocument>(WRITTEN_STATS_REMEMBERED);

  constructor(@InjectConnection() private readonly connection: Connection) {}

  async onModuleInit(): Promise<void> {
    this.stats = this.connection.collection<ProviderStatsDocument>(PROVIDER_STATS_COLLECTION);
    await this.stats.createIndex({ walkBucket: 1 });
  }

  /** The providers in one walk bucket (shared/infrastructure/walk-bucket.ts). */
  async idsInWalkBucket(bucket: number): Promise<string[]> {
    const docs = await this.stats.find({ walkBucket: bucket }, { projection: { _id: 1 } }).toArray();
    return docs.map((doc) => doc._id);
  }

  async find(providerId: string): Promise<Pick<ProviderStatsDocument, 'stats' | 'trustScore'> | undefined> {
    const doc = await this.stats.findOne({ _id: providerId }, { projection: { stats: 1, trustScore: 1 } });
    return doc ?? undefined;
  }

  /** The stats of a new provider (empty unless given; no-op if they exist). */
  async create(providerId: string, accountCreatedAt: Date, initial: { stats?: BookingStats; trustScore?: TrustScore } = {}): Promise<void> {
    try {
      await this.stats.insertOne({
        _id: providerId,
        stats: initial.stats ?? { ...EMPTY_BOOKING_STATS },
        ...(initial.trustScore ? { trustScore: initial.trustScore } : {}),
        statsVersion: 0,
        statsEvents: '',
        accountCreatedAt,
        walkBucket: walkBucketOf(providerId),
      });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  /**
   * Folds an update into the provider's stats: the batch it joins is read, applied in order and written
   * on the version it read, again from a fresh read when another replica got there first (a few times,
   * then VERSION_CONFLICT, which the consumer retries). Given an `eventId`, an event already folded in
   * is not counted again (`duplicate`).
   */
  record(providerId: string, apply: Apply, options: { eventId?: string } = {}): Promise<StatsOutcome> {
    return this.writes.submit(providerId, { apply, ...(options.eventId !== undefined ? { eventId: options.eventId } : {}) });
  }

  private async writeBatch(providerId: string, batch: Pending[]): Promise<StatsOutcome[]> {
    for (let attempt = 1; attempt <= STATS_WRITE_ATTEMPTS; attempt++) {
      const doc = (attempt === 1 ? this.written.get(providerId) : undefined) ?? (await this.stats.findOne({ _id: providerId }));
      if (!doc) return batch.map(() => ({ outcome: 'not_found' }) as const);
      const seen = new Set(rememberedEvents(doc));
      let current: StatsUpdate = { stats: doc.stats, ...(doc.trustScore ? { trustScore: doc.trustScore } : {}) };
      const outcomes: StatsOutcome[] = [];
      for (const { apply, eventId: id } of batch) {
        const eventId = id === undefined ? undefined : compactEventId(id);
        if (eventId !== undefined && seen.has(eventId)) {
          outcomes.push({ outcome: 'duplicate' });
          continue;
        }
        const next = apply(current.stats, { ...(doc.accountCreatedAt ? { createdAt: doc.accountCreatedAt } : {}) });
        current = { stats: next.stats, ...((next.trustScore ?? current.trustScore) ? { trustScore: next.trustScore ?? current.trustScore } : {}) };
        if (eventId !== undefined) seen.add(eventId);
        outcomes.push({ outcome: 'recorded', stats: current.stats, ...(current.trustScore ? { trustScore: current.trustScore } : {}) });
      }
      if (outcomes.every((o) => o.outcome === 'duplicate')) return outcomes;
      const fields = {
        stats: current.stats,
        ...(current.trustScore ? { trustScore: current.trustScore } : {}),
        statsVersion: doc.statsVersion + 1,
        statsEvents: [...seen].slice(-REMEMBERED_STATS_EVENTS).join(' '),
      };
      const written = await this.stats.updateOne({ _id: providerId, statsVersion: doc.statsVersion }, { $set: fields, $unset: { statsEventIds: 1 } });
      if (written.matchedCount === 1) {
        const { statsEventIds: _dropped, ...kept } = doc;
        this.written.set(providerId, { ...kept, ...fields });
        return outcomes;
      }
    }
    throw new BookingError(BookingErrorCode.VersionConflict, `Provider ${providerId} stats kept changing under this write; retry`, { providerId });
  }
}
