import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Connection } from 'mongoose';
import { isDuplicateKey } from '@bp/platform';

/** A span of time [start, end) in epoch ms. */
export interface TimeSpan {
  start: number;
  end: number;
}

/**
 * One provider's external-calendar busy times, as calendar-svc last reported them: one small document
 * per provider (the spans as one JSON string), read by its key wherever availability is decided.
 */
interface CalendarBusyDocument {
  _id: string;
  v: number;
  /** JSON of [start, end] pairs in epoch ms, sorted by start. */
  spans: string;
  /** The last update applied: an older update of an overlapping window is ignored. */
  lastWindow?: { from: Date; to: Date; syncedAt: Date };
  updatedAt: Date;
}

const MAX_WRITE_ATTEMPTS = 20;
/** How long a provider's busy times are answered from memory (see BusyDayStore's month cache: the same reasoning). */
const CACHE_MS = 1_000;
const CACHE_MAX = 10_000;
/** Busy times that ended this long ago are of no use to anyone and are dropped on the next write. */
const KEEP_PAST_MS = 86_400_000;

function decode(spans: string | undefined): TimeSpan[] {
  return spans ? (JSON.parse(spans) as Array<[number, number]>).map(([start, end]) => ({ start, end })) : [];
}

/** Busy times of providers' external calendars, as calendar-svc last reported them. */
@Injectable()
export class CalendarBusyStore implements OnModuleInit {
  private busy!: Collection<CalendarBusyDocument>;
  private readonly cached = new Map<string, { until: number; spans: Promise<TimeSpan[]> }>();

  constructor(@InjectConnection() private readonly connection: Connection) {}

  onModuleInit(): void {
    this.busy = this.connection.collection<CalendarBusyDocument>('calendar_busy_times');
  }

  /**
   * Replaces what is known for [from, to) with `intervals` (busy times starting in the window), unless a
   * newer update of an overlapping window was already applied. A conditional write on the document's
   * version, repeated on a lost race.
   */
  async replaceWindow(providerId: string, from: Date, to: Date, intervals: TimeSpan[], syncedAt: Date, now: Date = new Date()): Promise<void> {
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const doc = await this.busy.findOne({ _id: providerId });
      const last = doc?.lastWindow;
      if (last && last.syncedAt > syncedAt && last.from < to && from < last.to) return; // a newer look at this window is already here
      const kept = decode(doc?.spans).filter((s) => (s.start < from.getTime() || s.start >= to.getTime()) && s.end > now.getTime() - KEEP_PAST_MS);
      const spans = JSON.stringify([...kept, ...intervals].sort((a, b) => a.start - b.start).map((s) => [s.start, s.end]));
      const fields = { spans, lastWindow: { from, to, syncedAt }, updatedAt: now };
      if (!doc) {
        try {
          await this.busy.insertOne({ _id: providerId, v: 1, ...fields });
          this.cached.delete(providerId);
          return;
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          continue;
        }
      }
      if ((await this.busy.updateOne({ _id: providerId, v: doc.v }, { $set: { ...fields, v: doc.v + 1 } })).matchedCount === 1) {
        this.cached.delete(providerId);
        return;
      }
    }
    throw new Error(`calendar busy times of ${providerId} kept changing; the message will be retried`);
  }

  /** The provider's busy times overlapping [from, to). */
  async inRange(providerId: string, from: Date, to: Date): Promise<TimeSpan[]> {
    return (await this.spansOf(providerId)).filter((s) => s.start < to.getTime() && s.end > from.getTime());
  }

  private spansOf(providerId: string): Promise<TimeSpan[]> {
    const now = Date.now();
    const cached = this.cached.get(providerId);
    if (cached && cached.until > now) return cached.spans;
    if (this.cached.size >= CACHE_MAX) this.cached.clear();
    const spans = this.busy.findOne({ _id: providerId }, { projection: { spans: 1 } }).then((doc) => decode(doc?.spans));
    this.cached.set(providerId, { until: now + CACHE_MS, spans });
    spans.catch(() => this.cached.delete(providerId));
    return spans;
  }
}
