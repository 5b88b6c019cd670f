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
