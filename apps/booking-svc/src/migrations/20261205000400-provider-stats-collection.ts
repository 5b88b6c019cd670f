import { defineMigration } from '@bp/platform';

/*
 * A provider's booking stats, trust score and the ids of the events folded into them move out of the
 * provider's document into `provider_stats` (providers/infrastructure/provider-stats.store.ts): they
 * change with every booking event, while the profile is read on every booking request. `up` copies
 * them over (a stats document the service already wrote is newer and stays), then removes them from
 * the provider. `down` copies them back and drops the collection.
 */
interface Provider {
  _id: string;
  createdAt?: Date;
  stats?: Record<string, unknown>;
  trustScore?: Record<string, unknown>;
  statsVersion?: number;
  statsEventIds?: string[];
}

interface ProviderStats {
  _id: string;
  stats: Record<string, unknown>;
  trustScore?: Record<string, unknown>;
  statsVersion: number;
  statsEventIds: string[];
  accountCreatedAt?: Date;
}

const DUPLICATE_KEY = 11000;
const MOVED = { stats: '', trustScore: '', statsVersion: '', statsEventIds: '' } as const;

export const providerStatsCollection = defineMigration(
  {
    version: '20261205000400',
    name: 'provider-stats-collection',
    async up({ db, log }) {
      const providers = db.collection<Provider>('providers');
      const stats = db.collection<ProviderStats>('provider_stats');
      let moved = 0;
      for await (const provider of providers.find({ stats: { $exists: true } })) {
        try {
          await stats.insertOne({
            _id: provider._id,
            stats: provider.stats ?? {},
            ...(provider.trustScore ? { trustScore: provider.trustScore } : {}),
            statsVersion: provider.statsVersion ?? 0,
            statsEventIds: provider.statsEventIds ?? [],
            ...(provider.createdAt ? { accountCreatedAt: provider.createdAt } : {}),
          });
        } catch (error) {
          if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
        }
        await providers.updateOne({ _id: provider._id }, { $unset: MOVED });
        moved++;
      }
      log(`provider_stats: the stats of ${moved} provider(s) moved out of the providers`);
    },
    async down({ db, log }) {
      let restored = 0;
      for await (const doc of db.collection<ProviderStats>('provider_stats').find({})) {
        await db.collection<Provider>('providers').updateOne(
          { _id: doc._id },
          {
            $set: {
              stats: doc.stats,
              ...(doc.trustScore ? { trustScore: doc.trustScore } : {}),
              statsVersion: doc.statsVersion,
              statsEventIds: doc.statsEventIds,
            },
          },
        );
        restored++;
      }
      await db
        .collection('provider_stats')
        .drop()
        .catch(() => undefined);
      log(`providers: the stats of ${restored} provider(s) put back; provider_stats dropped`);
    },
  },
  import.meta.url,
);
