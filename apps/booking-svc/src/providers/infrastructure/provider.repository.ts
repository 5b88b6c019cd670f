import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, UpdateQuery } from 'mongoose';
import { isDuplicateKey } from '@bp/platform';
import { BookingError, BookingErrorCode } from '../../shared/domain/booking-error.js';
import type { BookingSettings } from '../domain/booking-settings.js';
import type { BookableProvider, Provider } from '../domain/provider.js';
import type { ProviderService } from '../domain/provider-service.js';
import type { Schedule } from '../domain/schedule.js';
import { toBookableProvider, toDocument, toProvider } from './provider.mapper.js';
import { PROVIDER_MODEL, type ProviderDocument } from './provider.schema.js';
import { ProviderStatsStore } from '../../provider-stats/infrastructure/provider-stats.store.js';

/**
 * How long this process answers findBookable from memory: a provider is read on every booking request
 * and changes rarely. A change made here is seen at once; one made by another replica within this long.
 */
const BOOKABLE_CACHE_MS = 1_000;
const BOOKABLE_CACHE_MAX = 10_000;

/**
 * Providers in the `providers` collection, one document each, `_id` = provider id; their stats in
 * ProviderStatsStore. Every change is a single conditional write that bumps `version`: given an
 * expected version, a write that lost a race fails with VERSION_CONFLICT instead of overwriting the
 * other writer's change.
 */
@Injectable()
export class ProviderRepository {
  private readonly bookable = new Map<string, { until: number; provider: Promise<BookableProvider | undefined> }>();

  constructor(
    @InjectModel(PROVIDER_MODEL) private readonly model: Model<ProviderDocument>,
    private readonly stats: ProviderStatsStore,
  ) {}

  /** The whole provider, stats included (two reads: profile views, the health leaderboard). */
  async findById(id: string): Promise<Provider | undefined> {
    const [doc, stats] = await Promise.all([this.model.findById(id).lean<ProviderDocument>(), this.stats.find(id)]);
    return doc ? toProvider(doc, stats) : undefined;
  }

  /** What booking needs of the provider (profile, hours, services, settings): one small document, read on every booking request. */
  findBookable(id: string): Promise<BookableProvider | undefined> {
    const now = Date.now();
    const cached = this.bookable.get(id);
    if (cached && cached.until > now) return cached.provider;
    if (this.bookable.size >= BOOKABLE_CACHE_MAX) this.bookable.clear();
    const provider = this.model
      .findById(id)
      .lean<ProviderDocument>()
      .then((doc) => (doc ? toBookableProvider(doc) : undefined));
    this.bookable.set(id, { until: now + BOOKABLE_CACHE_MS, provider });
    provider.catch(() => this.bookable.delete(id));
    return provider;
  }

  /** Stores a new provider; one that already exists is a conflict (PROVIDER_EXISTS), never overwritten. */
  async create(provider: Provider): Promise<Provider> {
    try {
      const created = await this.model.create(toDocument(provider));
      await this.stats.create(provider.id, created.createdAt ?? new Date(), {
        stats: provider.stats,
        ...(provider.trustScore ? { trustScore: provider.trustScore } : {}),
      });
    } catch (error) {
      if (isDuplicateKey(error)) {
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

  private async change(id: string, expectedVersion: number | undefined, update: UpdateQuery<ProviderDocument>): Promise<Provider> {
    const filter = expectedVersion === undefined ? { _id: id } : { _id: id, version: expectedVersion };
    const doc = await this.model.findOneAndUpdate(filter, { ...update, $inc: { version: 1 } }, { returnDocument: 'after' }).lean<ProviderDocument>();
    this.bookable.delete(id);
    if (doc) return toProvider(doc, await this.stats.find(id));
    if (expectedVersion !== undefined && (await this.model.exists({ _id: id }))) {
      throw new BookingError(BookingErrorCode.VersionConflict, `Provider ${id} was changed by someone else; read it again and retry`, {
        providerId: id,
        expectedVersion,
      });
    }
    throw new BookingError(BookingErrorCode.ProviderNotFound, `Provider ${id} not found`, { providerId: id });
  }
}
