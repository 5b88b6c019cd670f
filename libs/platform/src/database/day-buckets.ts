import type { Collection, mongo } from 'mongoose';

const DAY_MS = 86_400_000;
/** Days before the cutoff's that every run deletes again, whatever it deleted before. */
const RECHECKED_DAYS = 2;

/** The UTC day of a moment, `YYYY-MM-DD`: the bucket a record that is pruned by age is written with. */
export function utcDayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * Deletes records by age, one UTC day at a time: every record carries the day it was written
 * (`day`, indexed), and a day entirely older than the retention is deleted by that equality. The
 * engine behind this project's local MongoDB (FerretDB) filters only equalities in the database, so a
 * `createdAt < cutoff` delete read the whole collection on every run. Records of the cutoff's own day
 * stay until the next day (kept at least as long as the retention, at most a day longer).
 *
 * The first run looks back `lookbackDays` days (days missed while nothing ran); later runs the two
 * days before the cutoff's (a record written late into one) and any that became old since: a few
 * indexed equalities, whatever the size of the collection.
 */
export class DayPruner<T extends mongo.Document & { day?: string }> {
  private prunedThrough?: string;

  constructor(
    private readonly collection: () => Collection<T>,
    private readonly lookbackDays = 30,
  ) {}

  /**
   * Makes the next run look back the whole `lookbackDays` again: a record `filter` kept on a day already
   * walked (or one given an old day after that day was walked) gets another chance.
   */
  rewalk(): void {
    this.prunedThrough = undefined;
  }

  /** Deletes the records (matching `filter`, if given) written on days before `cutoff`'s day. Returns how many. */
  async pruneBefore(cutoff: Date, filter: mongo.Filter<T> = {}): Promise<number> {
    const cutoffDay = utcDayOf(cutoff);
    let deleted = 0;
    for (let back = this.lookbackDays; back >= 1; back--) {
      const day = utcDayOf(new Date(Date.parse(cutoffDay) - back * DAY_MS));
      if (back > RECHECKED_DAYS && this.prunedThrough && day <= this.prunedThrough) continue;
      deleted += (await this.collection().deleteMany({ ...filter, day } as mongo.Filter<T>)).deletedCount;
      if (!this.prunedThrough || day > this.prunedThrough) this.prunedThrough = day;
    }
    return deleted;
  }
}
