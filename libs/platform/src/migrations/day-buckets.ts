import { utcDayOf } from '../database/day-buckets.js';
import { type Migration, type MigrationContext, defineMigration } from './migration.js';

/**
 * Gives the records of a collection pruned by day (DayPruner) the `day` they lack: written before the
 * field existed, they would otherwise never be pruned. The day is that of `dateField`; a record without
 * it gets today's (pruned after the retention from now). Each write is conditional on `day` still being
 * absent, so running it again, or while the service writes, changes nothing written since.
 */
export async function fillDayBuckets(context: MigrationContext, collectionName: string, dateField: string): Promise<number> {
  const collection = context.db.collection(collectionName);
  let filled = 0;
  for await (const record of collection.find({ day: { $exists: false } }, { projection: { _id: 1, [dateField]: 1 } })) {
    const at = record[dateField];
    const day = utcDayOf(at instanceof Date ? at : new Date());
    filled += (await collection.updateOne({ _id: record._id, day: { $exists: false } }, { $set: { day } })).modifiedCount;
  }
  context.log(`${collectionName}: day set on ${filled} record(s)`);
  return filled;
}

/** Records pruned by day in one collection: where their date is. */
export interface DayBucketedCollection {
  collection: string;
  dateField: string;
}

/**
 * The migration that gives a service's day-pruned collections (its inbox, its idempotency records)
 * their `day`: `up` fills it in (fillDayBuckets), `down` removes it (the release before never reads it).
 * Declared in the service's own migration module, whose file the checksum covers.
 */
export function dayBucketsMigration(version: string, collections: readonly DayBucketedCollection[], moduleUrl: string): Migration {
  return defineMigration(
    {
      version,
      name: 'day-buckets',
      async up(context) {
        for (const { collection, dateField } of collections) await fillDayBuckets(context, collection, dateField);
      },
      async down({ db, log }) {
        for (const { collection } of collections) {
          const { modifiedCount } = await db.collection(collection).updateMany({ day: { $exists: true } }, { $unset: { day: '' } });
          log(`${collection}: day removed from ${modifiedCount} record(s)`);
        }
      },
    },
    moduleUrl,
  );
}

const DAY_MS = 86_400_000;

/** The finished records of a collection pruned by retention (RetentionRule): which they are, and when they finished. */
export interface FinishedRecords {
  collection: string;
  /** Which records are finished: only they get a day (a live one gets it from the write that finishes it). */
  finished: Record<string, unknown>;
  /** The fields that say when a record finished, the first one present wins; a record with none gets the migration's day. */
  finishedAt: readonly string[];
}

/**
 * Gives the finished records written before their collection had retention the `day` it counts from:
 * the UTC day they finished, but never one before `oldestDay` (the pruner looks back a bounded number
 * of days, so an older day would never be deleted: such a record is kept a while longer instead). Each write is conditional on the record still being
 * finished and still lacking `day`, so a record the running service changed meanwhile is left to it.
 */
export async function fillFinishedDays(context: MigrationContext, records: FinishedRecords, oldestDay: string): Promise<number> {
  const collection = context.db.collection(records.collection);
  const projection = Object.fromEntries(records.finishedAt.map((field) => [field, 1]));
  let filled = 0;
  for await (const record of collection.find({ ...records.finished, day: { $exists: false } }, { projection })) {
    const at = records.finishedAt.map((field) => record[field]).find((value) => value instanceof Date) as Date | undefined;
    const finishedOn = utcDayOf(at ?? new Date());
    const day = finishedOn < oldestDay ? oldestDay : finishedOn;
    filled += (await collection.updateOne({ ...records.finished, _id: record._id, day: { $exists: false } }, { $set: { day } })).modifiedCount;
  }
  context.log(`${records.collection}: day set on ${filled} finished record(s)`);
  return filled;
}

/** Moves the days older than `oldestDay` up to it, so that the pruner, which looks back a bounded number of days, reaches them. */
export async function raiseOldDays(context: MigrationContext, collectionName: string, oldestDay: string): Promise<number> {
  const { modifiedCount } = await context.db.collection(collectionName).updateMany({ day: { $lt: oldestDay } }, { $set: { day: oldestDay } });
  context.log(`${collectionName}: ${modifiedCount} record(s) older than ${oldestDay} moved to it`);
  return modifiedCount;
}

export interface RetentionDaysChange {
  /** Collections whose finished records get their day now (their writes set it from this release on). */
  finished: readonly FinishedRecords[];
  /** Collections that had days already, some of them older than the pruner reaches (written before anything pruned them). */
  raised: readonly string[];
  /**
   * No day is set or left older than this many days before the migration runs. The pruner's first run
   * looks back 30 days from each collection's cutoff (DayPruner), which for a one-day period reaches
   * about 31 days back: a week leaves three weeks for the new release's first run.
   */
  oldestDays: number;
}

/**
 * The migration that brings a service's collections under retention: `up` gives finished records their
 * day (fillFinishedDays) and moves days the pruner would never reach within its reach (raiseOldDays);
 * `down` removes the day from the newly bucketed collections (the release before never reads it) and
 * leaves raised days as they are (later than they were: kept longer, never shorter).
 */
export function retentionDaysMigration(version: string, change: RetentionDaysChange, moduleUrl: string): Migration {
  return defineMigration(
    {
      version,
      name: 'retention-days',
      async up(context) {
        const oldestDay = utcDayOf(new Date(Date.now() - change.oldestDays * DAY_MS));
        for (const records of change.finished) await fillFinishedDays(context, records, oldestDay);
        for (const collection of change.raised) await raiseOldDays(context, collection, oldestDay);
      },
      async down({ db, log }) {
        for (const { collection } of change.finished) {
          const { modifiedCount } = await db.collection(collection).updateMany({ day: { $exists: true } }, { $unset: { day: '' } });
          log(`${collection}: day removed from ${modifiedCount} record(s)`);
        }
      },
    },
    moduleUrl,
  );
}
