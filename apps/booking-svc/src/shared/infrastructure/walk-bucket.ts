import { createHash } from 'node:crypto';

/**
 * Jobs that visit every provider (the stats recompute) walk them a bucket at a time: `walkBucket` is
 * a stable hash of the provider's id, so each step is an indexed equality, one of the few lookups
 * every engine serves from an index (FerretDB pushes down no range, so paging by `_id > after` read
 * the whole collection on every page), and reads about 1/WALK_BUCKETS of the providers.
 */
export const WALK_BUCKETS = 64;

export function walkBucketOf(providerId: string): number {
  return createHash('sha1').update(providerId).digest().readUInt16BE(0) % WALK_BUCKETS;
}
