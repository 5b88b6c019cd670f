import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Connection } from 'mongoose';
import {
  type BusyEntry,
  type BusyUpdate,
  applyBusyUpdates,
  busyDayId,
  busyMonthKey,
  decodeEntries,
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
  updatedAt: Date;
}

const DUPLICATE_KEY = 11000;
const MAX_WRITE_ATTEMPTS = 50;

/** Updates of one day document waiting for the write in progress, and the callers waiting on them. */
interface DayQueue {
  providerId: string;
  entries: BusyEntry[];
  waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }>;
}

/**
 * The availability read model's documents (domain/busy-day.ts): written by projections, read by
 * availability. Writes to one day are one at a time in this process, each taking every update that
 * queued up behind the previous one: a busy provider's day is written once per round trip, not once
 * per booking, and replicas only race each other, never themselves.
 */
@Injectable()
export class BusyDayStore implements OnModuleInit {
  private days!: Collection<BusyDayDocument>;
  private readonly queues = new Map<string, DayQueue>();

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
    await Promise.all([...byDay].map(([day, entries]) => this.enqueue(update.providerId, day, entries)));
  }

  private enqueue(providerId: string, day: string, entries: BusyEntry[]): Promise<void> {
    const id = busyDayId(providerId, day);
    return new Promise<void>((resolve, reject) => {
      const queued = this.queues.get(id);
      if (queued) {
        queued.entries.push(...entries);
        queued.waiters.push({ resolve, reject });
        return;
      }
      const queue: DayQueue = { providerId, entries: [...entries], waiters: [{ resolve, reject }] };
      this.queues.set(id, queue);
      void this.drain(id, day, queue);
    });
  }

  /** Writes what queued for a day, batch after batch, until nothing more arrives. */
  private async drain(id: string, day: string, queue: DayQueue): Promise<void> {
    while (queue.waiters.length > 0) {
      const entries = queue.entries.splice(0);
      const waiters = queue.waiters.splice(0);
      try {
        await this.applyDay(queue.providerId, day, entries, Date.now());
        waiters.forEach((w) => w.resolve());
      } catch (error) {
        waiters.forEach((w) => w.reject(error));
      }
    }
    this.queues.delete(id);
  }

  /** What the provider's holds take in [from, to) at `now`: every live entry overlapping the range. */
  async busyBetween(providerId: string, from: Date, to: Date, now: Date): Promise<TimeSpan[]> {
    // An entry lives on the day it starts: one starting the day before may still reach into the range.
    const months = monthsCovering(from.getTime() - 86_400_000, to.getTime());
    const docs = await Promise.all(months.map((month) => this.days.find({ month: busyMonthKey(providerId, month) }, { projection: { entries: 1 } }).toArray()));
    const spans: TimeSpan[] = [];
    for (const doc of docs.flat()) {
      for (const entry of decodeEntries(doc.entries)) {
        if (isBusy(entry, now.getTime()) && entry.start < to.getTime() && entry.end > from.getTime()) spans.push({ start: entry.start, end: entry.end });
      }
    }
    return spans;
  }

  private async applyDay(providerId: string, day: string, updates: BusyEntry[], now: number): Promise<void> {
    const _id = busyDayId(providerId, day);
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const doc = await this.days.findOne({ _id });
      const next = applyBusyUpdates(decodeEntries(doc?.entries), updates, now);
      if (!next) return;
      const fields = { entries: encodeEntries(next), updatedAt: new Date(now) };
      if (!doc) {
        try {
          await this.days.insertOne({ _id, providerId, month: busyMonthKey(providerId, day.slice(0, 7)), v: 1, ...fields });
          return;
        } catch (error) {
          if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
          continue;
        }
      }
      if ((await this.days.updateOne({ _id, v: doc.v }, { $set: { ...fields, v: doc.v + 1 } })).matchedCount === 1) return;
    }
    throw new Error(`busy day ${_id} kept changing; the projection will be retried`);
  }
}
