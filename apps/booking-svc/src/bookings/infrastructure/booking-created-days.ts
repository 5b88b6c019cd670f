import type { mongo } from 'mongoose';
import { insertNew, utcDayOf } from '@bp/platform';

/*
 * The admin's list of every booking, newest first, without a patient or a provider to narrow it, reads
 * a UTC day of bookings at a time by the indexed equality `createdDay` (`utcDayOf(createdAt)`), walking
 * back from tomorrow (a replica's clock may run ahead) to the oldest day a booking was created on.
 * Sorting the whole collection by `createdAt` is what MongoDB's index would serve, but the local engine
 * (FerretDB) reads and sorts every booking for it (docs/performance.md, _Access paths_).
 */

export const CREATED_DAYS_COLLECTION = 'booking_created_days';
const OLDEST = 'oldest';
const DAY_MS = 86_400_000;

/** Days one page walks at most; a page that ends its walk unfilled answers with a cursor to go on from. */
export const MAX_DAYS_PER_PAGE = 31;

function startOf(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`);
}

/** The day before `day` (both `YYYY-MM-DD`). */
export function dayBefore(day: string): string {
  return utcDayOf(new Date(startOf(day) - DAY_MS));
}

/** The first moment after a UTC day. */
export function endOf(day: string): Date {
  return new Date(startOf(day) + DAY_MS);
}

/** Tomorrow's UTC day, by this process's clock. */
export function tomorrow(): string {
  return utcDayOf(new Date(Date.now() + DAY_MS));
}

interface OldestDayDocument {
  _id: string;
  day: string;
}

/**
 * Where the walk stops: one document holding a day no booking was created before. The migration that
 * gave the existing bookings their day writes the oldest of them; after it, a process makes sure of
 * it once before its first booking (a fresh platform has none), a day early so that a replica whose
 * clock runs behind another's never writes a booking before it.
 */
export class OldestCreatedDay {
  private ensured = false;

  constructor(private readonly collection: mongo.Collection<OldestDayDocument>) {}

  /** Before writing a booking created on `day`: the first time in this process, one insert that keeps an existing (older) day. */
  async ensureBefore(day: string): Promise<void> {
    if (this.ensured) return;
    await insertNew(this.collection, [{ _id: OLDEST, day: dayBefore(day) }]);
    this.ensured = true;
  }

  /** The day the walk stops at, or null while no booking has ever been written. */
  async read(): Promise<string | null> {
    return (await this.collection.findOne({ _id: OLDEST }))?.day ?? null;
  }
}
