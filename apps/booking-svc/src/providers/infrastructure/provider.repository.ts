import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, UpdateQuery } from 'mongoose';
import { BookingError, BookingErrorCode } from '../../shared/domain/booking-error.js';
import type { BookingSettings } from '../domain/booking-settings.js';
import type { BookingStats } from '../domain/booking-stats.js';
import type { Provider } from '../domain/provider.js';
import type { ProviderService } from '../domain/provider-service.js';
import type { TrustScore } from '../domain/provider-stats.js';
import type { Schedule } from '../domain/schedule.js';
import { toDocument, toProvider } from './provider.mapper.js';
import { PROVIDER_MODEL, type ProviderDocument } from './provider.schema.js';

const DUPLICATE_KEY = 11000;

/** What a stats update sees of the provider besides the stats: when the account was opened. */
export interface StatsAccount {
  createdAt?: Date;
}

/** A stats update's result: the new stats and, when given, the new trust score. */
export interface StatsUpdate {
  stats: BookingStats;
  trustScore?: TrustScore;
}

export type RecordOutcomeResult = { outcome: 'recorded'; provider: Provider } | { outcome: 'duplicate' } | { outcome: 'not_found' };

/** How many booking events a provider remembers as counted (far more than can be in flight for one provider). */
const REMEMBERED_STATS_EVENTS = 200;
const STATS_WRITE_ATTEMPTS = 5;

/**
 * Providers in the `providers` collection, one document each, `_id` = provider id. Every change is a
 * single conditional write that bumps `version`: given an expected version, a write that lost a race
 * fails with VERSION_CONFLICT instead of overwriting the other writer's change.
 */
@Injectable()
export class ProviderRepository {
  constructor(@InjectModel(PROVIDER_MODEL) private readonly model: Model<ProviderDocument>) {}

  async findById(id: string): Promise<Provider | undefined> {
    const doc = await this.model.findById(id).lean<ProviderDocument>();
    return doc ? toProvider(doc) : undefined;
  }

  /** Provider ids in id order after `after`, a page at a time (for jobs that visit every provider). */
  async listIds(after: string | undefined, limit: number): Promise<string[]> {
    const docs = await this.model
      .find(after === undefined ? {} : { _id: { $gt: after } }, { _id: 1 })
      .sort({ _id: 1 })
      .limit(limit)
      .lean<Array<{ _id: string }>>();
    return docs.map((doc) => doc._id);
  }

  /** Stores a new provider; one that already exists is a conflict (PROVIDER_EXISTS), never overwritten. */
  async create(provider: Provider): Promise<Provider> {
    try {
      await this.model.create(toDocument(provider));
    } catch (error) {
      if ((error as { code?: number }).code === DUPLICATE_KEY) {
        throw new BookingError(BookingErrorCode.ProviderExists, `Provider ${provider.id} already exists`, { providerId: provider.id });
      }
      throw error;
    }
    return provider;
  }

  replaceSettings(id: string, expectedVersion: number | undefined, settings: BookingSettings): Promise<Provider> {
    return this.change(id, expectedVersion, { $set: { settings } });
  }

  /** The schedule together with its time zone (the provider's top-level `timezone`). */
  replaceSchedule(id: string, expectedVersion: number | undefined, schedule: Schedule): Promise<Provider> {
    return this.change(id, expectedVersion, { $set: { timezone: schedule.timezone, weeklyHours: schedule.weeklyHours, overrides: schedule.overrides } });
  }

  replaceServices(id: string, expectedVersion: number | undefined, services: ProviderService[]): Promise<Provider> {
    return this.change(id, expectedVersion, { $set: { services } });
  }

  /** Calendar-svc's news about the provider's calendar; unconditional (the latest fact wins). */
  setCalendarConnected(id: string, connected: boolean): Promise<Provider> {
    return this.change(id, undefined, { $set: { calendarConnected: connected } });
  }

  /**
   * Folds a booking event into the provider's stats: reads them, applies `apply`, and writes stats and
   * trust score on the stats version it read, reading again and re-applying when another writer got
   * there first (a few times, then VERSION_CONFLICT, which the consumer retries). Stats have their
   * own version, so they never conflict with the owner's profile edits and do not bump `version`.
   * Given an `eventId`, an event already folded in is not counted again (`duplicate`).
   */
  async recordOutcome(
    id: string,
    apply: (stats: BookingStats, account: StatsAccount) => StatsUpdate,
    options: { eventId?: string } = {},
  ): Promise<RecordOutcomeResult> {
    const { eventId } = options;
    for (let attempt = 1; attempt <= STATS_WRITE_ATTEMPTS; attempt++) {
      const doc = await this.model.findById(id).lean<ProviderDocument>();
      if (!doc) return { outcome: 'not_found' };
      const seen = doc.statsEventIds ?? [];
      if (eventId !== undefined && seen.includes(eventId)) return { outcome: 'duplicate' };
      const current = toProvider(doc);
      const update = apply(current.stats, { createdAt: doc.createdAt });
      const statsVersion = doc.statsVersion ?? 0;
      const $set: Record<string, unknown> = {
        stats: update.stats,
        statsVersion: statsVersion + 1,
        ...(update.trustScore ? { trustScore: update.trustScore } : {}),
        ...(eventId !== undefined ? { statsEventIds: [...seen, eventId].slice(-REMEMBERED_STATS_EVENTS) } : {}),
      };
      const filter = { _id: id, statsVersion: doc.statsVersion === undefined ? { $exists: false } : statsVersion };
      const written = await this.model.findOneAndUpdate(filter, { $set }, { returnDocument: 'after', timestamps: false }).lean<ProviderDocument>();
      if (written) return { outcome: 'recorded', provider: toProvider(written) };
    }
    throw new BookingError(BookingErrorCode.VersionConflict, `Provider ${id} stats kept changing under this write; retry`, { providerId: id });
  }

  private async change(id: string, expectedVersion: number | undefined, update: UpdateQuery<ProviderDocument>): Promise<Provider> {
    const filter = expectedVersion === undefined ? { _id: id } : { _id: id, version: expectedVersion };
    const doc = await this.model.findOneAndUpdate(filter, { ...update, $inc: { version: 1 } }, { returnDocument: 'after' }).lean<ProviderDocument>();
    if (doc) return toProvider(doc);
    if (expectedVersion !== undefined && (await this.model.exists({ _id: id }))) {
      throw new BookingError(BookingErrorCode.VersionConflict, `Provider ${id} was changed by someone else; read it again and retry`, {
        providerId: id,
        expectedVersion,
      });
    }
    throw new BookingError(BookingErrorCode.ProviderNotFound, `Provider ${id} not found`, { providerId: id });
  }
}
