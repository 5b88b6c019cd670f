import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Connection } from 'mongoose';
import { DayPruner, isDuplicateKey, KeyedBatches } from '@bp/platform';
import type { TallyCounter, TallyKind, TallyMembership } from '../domain/booking-tallies.js';

/** That a booking is in a tally, and which counters it added one to (taken off again when it leaves). */
interface MarkerDocument {
  _id: string;
  counters: string[];
  /** Expired markers: the UTC day, so they are pruned when their counters no longer matter. */
  day?: string;
}

export interface CounterDocument extends Omit<TallyCounter, 'id'> {
  _id: string;
  n: number;
  /** Per-day counters: pruned a day at a time like the markers. */
  day?: string;
}

/**
 * The booking tallies (domain/booking-tallies.ts): markers and counters, each change one insert or
 * delete of a marker and one increment per counter. A marker that is already there (a repeated
 * projection) or already gone adds or takes off nothing. A process that dies between the marker and
 * its counters leaves a counter one off; the counters are gauges, and the dashboards say so.
 */
@Injectable()
export class BookingTallyStore implements OnModuleInit {
  private markers!: Collection<MarkerDocument>;
  private counters!: Collection<CounterDocument>;
  /** Increments of one counter made at once are one write (a busy provider's counters are hot). */
  private readonly increments = new KeyedBatches<{ fields?: Omit<CounterDocument, '_id' | 'n'>; by: number }>(async (id, batch) => {
    const fields = batch.find((b) => b.fields)?.fields;
    await this.increment(
      id,
      batch.reduce((sum, b) => sum + b.by, 0),
      fields,
    );
    return batch.map(() => undefined);
  });
  private readonly markerPruner = new DayPruner<MarkerDocument>(() => this.markers, 45);
  private readonly counterPruner = new DayPruner<CounterDocument>(() => this.counters, 45);

  constructor(@InjectConnection() private readonly connection: Connection) {}

  async onModuleInit(): Promise<void> {
    this.markers = this.connection.collection<MarkerDocument>('booking_tally_markers');
    this.counters = this.connection.collection<CounterDocument>('booking_tallies');
    await this.markers.createIndex({ day: 1 }, { sparse: true });
    await this.counters.createIndex({ kind: 1 });
    await this.counters.createIndex({ day: 1 }, { sparse: true });
  }

  /** Makes the booking's tallies what `memberships` says: enters those it is in, leaves `leaving` (those it is not in). */
  async reconcile(bookingId: string, memberships: TallyMembership[], leaving: readonly TallyKind[]): Promise<void> {
    for (const membership of memberships) await this.enter(membership);
    for (const kind of leaving) if (!memberships.some((m) => m.kind === kind)) await this.leave(kind, bookingId);
  }

  async enter({ kind, bookingId, counters }: TallyMembership): Promise<void> {
    const day = counters.find((c) => c.kind === 'expired-day')?.at;
    try {
      await this.markers.insertOne({ _id: `${kind}|${bookingId}`, counters: counters.map((c) => c.id), ...(day ? { day } : {}) });
    } catch (error) {
      if (isDuplicateKey(error)) return; // already counted
      throw error;
    }
    await Promise.all(
      counters.map(({ id, ...counter }) =>
        this.increments.submit(id, { fields: { ...counter, ...(counter.kind.startsWith('expired') && counter.at ? { day: counter.at } : {}) }, by: 1 }),
      ),
    );
  }

  async leave(kind: TallyKind, bookingId: string): Promise<void> {
    const marker = await this.markers.findOneAndDelete({ _id: `${kind}|${bookingId}` });
    if (!marker) return; // not in it, or already taken out
    await Promise.all(marker.counters.map((id) => this.increments.submit(id, { by: -1 })));
  }

  /** Adds `by` to a counter, creating it (with `fields`, given by an entering booking) on its first increment. */
  private async increment(id: string, by: number, fields?: Omit<CounterDocument, '_id' | 'n'>): Promise<void> {
    if (by === 0) return;
    for (let attempt = 0; ; attempt++) {
      try {
        if (!fields) await this.counters.updateOne({ _id: id }, { $inc: { n: by } });
        else await this.counters.updateOne({ _id: id }, { $inc: { n: by }, $setOnInsert: fields }, { upsert: true });
        return;
      } catch (error) {
        // Two first increments at once (two replicas): one inserted the counter, the other now finds it.
        if (!isDuplicateKey(error) || attempt >= 3) throw error;
      }
    }
  }

  /** The counters of one kind (small documents, one per quarter hour, provider or day). */
  read(kind: CounterDocument['kind']): Promise<CounterDocument[]> {
    return this.counters.find({ kind }).toArray();
  }

  /**
   * Drops expired markers and per-day counters older than `cutoff`'s day, and empty pending quarters
   * more than an hour past (no request enters a quarter whose deadline has passed).
   */
  async prune(cutoff: Date, now: Date = new Date()): Promise<void> {
    await this.markerPruner.pruneBefore(cutoff);
    await this.counterPruner.pruneBefore(cutoff);
    const past = new Date(now.getTime() - 3_600_000).toISOString();
    for (const empty of await this.counters.find({ kind: 'pending-quarter', n: 0 }).toArray()) {
      if (empty.at && empty.at < past) await this.counters.deleteOne({ _id: empty._id, n: 0 });
    }
  }
}
