import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Connection } from 'mongoose';
import { isDuplicateKey, KeyedBatches, RecentMap } from '@bp/platform';
import {
  type BusyEntry,
  type BusyUpdate,
  applyBusyUpdates,
  busyDayId,
  busyMonthKey,
  decodeEntries,
  encodeBusy,
  encodeEntries,
  isBusy,
  monthsCovering,
  utcDay,
} from '../domain/busy-day.js';
import type { TimeSpan } from './calendar-busy.store.js';

interface BusyDayDocument {
  _id: string;
  providerId: string;
  /** `<providerId>|YYYY-MM`: the key a month of days is read by (one indexed equality). */
  month: string;
  v: number;
  /** The day's entries, encoded (domain/busy-day.ts). */
  entries: string;
  /** What readers need of them (encodeBusy); absent on documents written before it existed. */
  busy?: string;
  updatedAt: Date;
}

const MAX_WRITE_ATTEMPTS = 50;
const BUSY_MONTH_CACHE_MS = 1_000;
const BUSY_MONTH_CACHE_MAX = 10_000;
/** Days whose last write by this process is remembered (see `written`). */
const WRITTEN_DAYS_REMEMBERED = 10_000;

/**
 * The availability read model's documents (domain/busy-day.ts): written by projections, read by
 * availability. Writes to one day are one at a time in this process, each taking every update that
 * queued up behind the previous one: a busy provider's day is written once per round trip, not once
 * per booking, and replicas only race each other, never themselves.
 */
@Injectable()
export class BusyDayStore implements OnModuleInit {
  private days!: Collection<BusyDayDocument>;
  private readonly months = new Map<string, { until: number; held: Promise<Array<[number, number, number]>> }>();
  /**
   * Each day as this process last wrote it. Writes to a day are one at a time here, so the next one
   * starts from it instead of reading the day back: its conditional write on the version still fails
   * if another replica wrote meanwhile, and then the day is read.
   */
  private readonly written = new RecentMap<Pick<BusyDayDocument, 'v' | 'entries' | 'month'>>(WRITTEN_DAYS_REMEMBERED);
  private readonly writes = new KeyedBatches<{ providerId: string; day: string; entries: BusyEntry[] }>(async (_id, batch) => {
    const { providerId, day } = batch[0]!;
    await this.applyDay(
      providerId,
      day,
      batch.flatMap((b) => b.entries),
      Date.now(),
    );
    return batch.map(() => undefined);
  });

  constructor(@InjectConnection() private readonly connection: Connection) {}

  async onModuleInit(): Promise<void> {
    this.days = this.connection.collection<BusyDayDocument>('busy_days');
    await this.days.createIndex({ month: 1 });
  }

  /** Applies a projection's entries, day by day (each a conditional write on the day's version, repeated on a lost race). */
  async apply(update: BusyUpdate): Promise<void> {
    const byDay = new Map<string, BusyEntry[]>();
    for (const entry of update.entries) {
      const day = utcDay(entry.start);
      byDay.set(day, [...(byDay.get(day) ?? []), entry]);
    }
    await Promise.all(
      [...byDay].map(([day, entries]) => this.writes.submit(busyDayId(update.providerId, day), { providerId: update.providerId, day, entries })),
    );
  }

  /** What the provider's holds take in [from, to) at `now`: every live entry overlapping the range. */
  async busyBetween(providerId: string, from: Date, to: Date, now: Date): Promise<TimeSpan[]> {
    // An entry lives on the day it starts: one starting the day before may still reach into the range.
    const months = monthsCovering(from.getTime() - 86_400_000, to.getTime());
    const held = (await Promise.all(months.map((month) => this.monthOf(busyMonthKey(providerId, month))))).flat();
    const spans: TimeSpan[] = [];
    for (const [start, end, expiresAt] of held) {
      if ((expiresAt === 0 || expiresAt > now.getTime()) && start < to.getTime() && end > from.getTime()) spans.push({ start, end });
    }
    return spans;
  }

  /**
   * A month of a provider's busy days, as [start, end, expiresAt] (lapsing entries are filtered by the
   * caller). Kept in memory for BUSY_MONTH_CACHE_MS, so a provider whose availability many patients look
   * at is read once a second, not once a look; this process's own writes drop it at once (another
   * replica's show within that second: the slot claims, not this read, decide who gets a slot).
   */
  private monthOf(month: string): Promise<Array<[number, number, number]>> {
    const now = Date.now();
    const cached = this.months.get(month);
    if (cached && cached.until > now) return cached.held;
    if (this.months.size >= BUSY_MONTH_CACHE_MAX) this.months.clear();
    const held = this.readMonth(month, now);
    this.months.set(month, { until: now + BUSY_MONTH_CACHE_MS, held });
    held.catch(() => this.months.delete(month));
    return held;
  }

  private async readMonth(month: string, now: number): Promise<Array<[number, number, number]>> {
    const docs = await this.days.find({ month }, { projection: { busy: 1 } }).toArray();
    const held: Array<[number, number, number]> = [];
    for (const doc of docs) {
      if (doc.busy !== undefined) {
        held.push(...(JSON.parse(doc.busy) as Array<[number, number, number]>));
        continue;
      }
      // A day written before `busy` existed is read whole (it gets `busy` on its next write).
      const whole = await this.days.findOne({ _id: doc._id });
      for (const e of decodeEntries(whole?.entries)) if (isBusy(e, now)) held.push([e.start, e.end, e.expiresAt]);
    }
    return held;
  }

  private async applyDay(providerId: string, day: string, updates: BusyEntry[], now: number): Promise<void> {
    const _id = busyDayId(providerId, day);
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const doc = (attempt === 0 ? this.written.get(_id) : undefined) ?? (await this.days.findOne({ _id }));
      const next = applyBusyUpdates(decodeEntries(doc?.entries), updates, now);
      if (!next) return;
      const fields = { entries: encodeEntries(next), busy: encodeBusy(next, now), updatedAt: new Date(now) };
      if (!doc) {
        const month = busyMonthKey(providerId, day.slice(0, 7));
        try {
          await this.days.insertOne({ _id, providerId, month, v: 1, ...fields });
          this.written.set(_id, { v: 1, entries: fields.entries, month });
          this.months.delete(month);
          return;
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          continue;
        }
      }
      if ((await this.days.updateOne({ _id, v: doc.v }, { $set: { ...fields, v: doc.v + 1 } })).matchedCount === 1) {
        this.written.set(_id, { v: doc.v + 1, entries: fields.entries, month: doc.month });
        this.months.delete(doc.month);
        return;
      }
    }
    throw new Error(`busy day ${_id} kept changing; the projection will be retried`);
  }
}
