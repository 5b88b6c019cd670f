import { defineMigration } from '@bp/platform';
import { walkBucketOf } from '../providers/infrastructure/provider-walk.js';

/*
 * Every provider gets its `walkBucket` (providers/infrastructure/provider-walk.ts), indexed, so a job
 * visiting every provider reads them a bucket at a time by indexed equality instead of paging by an
 * `_id` range the engine may answer by reading the whole collection. New providers get theirs when
 * created. `down` removes the field and the index.
 */
interface Provider {
  _id: string;
  walkBucket?: number;
}

const INDEX = 'walkBucket_1';

export const providerWalkBuckets = defineMigration(
  {
    version: '20261205000700',
    name: 'provider-walk-buckets',
    async up({ db, log }) {
      const providers = db.collection<Provider>('providers');
      let set = 0;
      for await (const provider of providers.find({ walkBucket: { $exists: false } }, { projection: { _id: 1 } })) {
        await providers.updateOne({ _id: provider._id }, { $set: { walkBucket: walkBucketOf(provider._id) } });
        set++;
      }
      await providers.createIndex({ walkBucket: 1 }, { name: INDEX });
      log(`providers: ${set} provider(s) given their walk bucket`);
    },
    async down({ db, log }) {
      const providers = db.collection<Provider>('providers');
      await providers.dropIndex(INDEX).catch(() => undefined);
      const { modifiedCount } = await providers.updateMany({ walkBucket: { $exists: true } }, { $unset: { walkBucket: '' } });
      log(`providers: walk buckets removed from ${modifiedCount} provider(s)`);
    },
  },
  import.meta.url,
);
