import { walkBucketMigration } from './walk-buckets.js';

/*
 * The provider stats are their own read model (provider-stats/): the periodic recompute walks
 * `provider_stats` itself, a bucket at a time (walk-buckets.ts), instead of asking the providers for
 * their ids. New stats documents get their bucket when created.
 */
export const providerStatsWalkBuckets = walkBucketMigration(
  { version: '20261206000000', name: 'provider-stats-walk-buckets', collection: 'provider_stats' },
  import.meta.url,
);
