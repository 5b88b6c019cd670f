import { createNamedIndexes, defineMigration, dropNamedIndexes } from '@bp/platform';
import { walkBucketOf } from '../shared/infrastructure/walk-bucket.js';

const INDEX = 'walkBucket_1';

/**
 * A migration that gives every document of `collection` its `walkBucket` (walkBucketOf(_id),
 * shared/infrastructure/walk-bucket.ts), indexed, so a job visiting them all reads a bucket at a
 * time by indexed equality instead of paging by an `_id` range the engine may answer by reading the
 * whole collection. Documents written since carry it already. `down` removes the field and the index.
 * (20261205000700 provider-walk-buckets does the same for `providers`, written out before this
 * existed; an applied migration's module is checksummed, so it stays as it was.)
 */
export function walkBucketMigration(meta: { version: string; name: string; collection: string }, moduleUrl: string) {
  return defineMigration(
    {
      version: meta.version,
      name: meta.name,
      async up(context) {
        const docs = context.db.collection<{ _id: string; walkBucket?: number }>(meta.collection);
        let set = 0;
        for await (const doc of docs.find({ walkBucket: { $exists: false } }, { projection: { _id: 1 } })) {
          await docs.updateOne({ _id: doc._id }, { $set: { walkBucket: walkBucketOf(doc._id) } });
          set++;
        }
        context.log(`${meta.collection}: ${set} document(s) given their walk bucket`);
        await createNamedIndexes(context, meta.collection, [{ name: INDEX, keys: { walkBucket: 1 } }]);
      },
      async down(context) {
        await dropNamedIndexes(context, meta.collection, [INDEX]);
        const docs = context.db.collection<{ _id: string; walkBucket?: number }>(meta.collection);
        const { modifiedCount } = await docs.updateMany({ walkBucket: { $exists: true } }, { $unset: { walkBucket: '' } });
        context.log(`${meta.collection}: walk buckets removed from ${modifiedCount} document(s)`);
      },
    },
    moduleUrl,
  );
}
