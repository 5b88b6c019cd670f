import type { mongo } from 'mongoose';
import type { MigrationContext } from './migration.js';

/** What `up` added to one document, so that `down` removes exactly that and nothing the service wrote. */
interface UndoEntry {
  _id: string;
  version: string;
  collection: string;
  documentId: unknown;
  added: string[];
}

export const MIGRATION_UNDO_COLLECTION = 'schema_migrations_undo';

type Plain = Record<string, unknown>;

const isPlainObject = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) && Object.getPrototypeOf(value) === Object.prototype;

/**
 * The fields of `defaults` the document lacks, each at the highest level it is missing (a missing
 * object is added whole, so removing it again restores the document exactly), as `$set` paths.
 */
export function missingFields(document: Plain, defaults: Plain, prefix = ''): Plain {
  const missing: Plain = {};
  for (const [key, value] of Object.entries(defaults)) {
    const current = document[key];
    if (current === undefined) missing[`${prefix}${key}`] = value;
    else if (isPlainObject(current) && isPlainObject(value)) Object.assign(missing, missingFields(current, value, `${prefix}${key}.`));
  }
  return missing;
}

export interface FillMissing {
  collection: string;
  /** Which documents to look at (a cursor over them; a one-off scan is fine for a migration). */
  filter: mongo.Filter<mongo.Document>;
  /** The defaults for one document (it may depend on the document: the booking mode on its calendar). */
  defaultsFor(document: Plain): Plain;
}

/**
 * Gives every matching document the default fields it lacks, leaving every present field alone, and
 * remembers per document what it added. Each write is conditional on the added fields still being
 * absent, so a concurrent write by the running service is never overwritten (the document is read
 * again and retried). Running it twice adds nothing the second time.
 */
export async function fillMissing(context: MigrationContext, spec: FillMissing): Promise<number> {
  const { db, version } = context;
  const collection = db.collection(spec.collection);
  const undo = db.collection<UndoEntry>(MIGRATION_UNDO_COLLECTION);
  let changed = 0;
  for await (const first of collection.find(spec.filter, { projection: { _id: 1 } })) {
    for (let attempt = 0; ; attempt++) {
      const document = await collection.findOne({ _id: first._id });
      if (!document) break;
      const missing = missingFields(document, spec.defaultsFor(document));
      const paths = Object.keys(missing);
      if (paths.length === 0) break;
      const stillAbsent = Object.fromEntries(paths.map((path) => [path, { $exists: false }]));
      const written = await collection.updateOne({ _id: document._id, ...stillAbsent }, { $set: missing });
      if (written.modifiedCount === 1) {
        // After the write: a crash in between leaves valid defaults in place that `down` will not remove.
        await undo.updateOne(
          { _id: `${version}:${spec.collection}:${String(document._id)}` },
          { $set: { version, collection: spec.collection, documentId: document._id }, $addToSet: { added: { $each: paths } } },
          { upsert: true },
        );
        changed++;
        break;
      }
      if (attempt >= 5) throw new Error(`${spec.collection} ${String(document._id)} kept changing while it was backfilled`);
    }
  }
  context.log(`${spec.collection}: filled missing fields on ${changed} document(s)`);
  return changed;
}

/** Removes from each document exactly the fields this migration's `fillMissing` added, then forgets them. */
export async function removeFilled(context: MigrationContext, collectionName: string): Promise<number> {
  const { db, version } = context;
  const undo = db.collection<UndoEntry>(MIGRATION_UNDO_COLLECTION);
  const collection = db.collection(collectionName);
  let reverted = 0;
  for await (const entry of undo.find({ version, collection: collectionName })) {
    await collection.updateOne({ _id: entry.documentId as mongo.BSON.ObjectId }, { $unset: Object.fromEntries(entry.added.map((path) => [path, ''])) });
    await undo.deleteOne({ _id: entry._id });
    reverted++;
  }
  context.log(`${collectionName}: removed the filled fields from ${reverted} document(s)`);
  return reverted;
}
