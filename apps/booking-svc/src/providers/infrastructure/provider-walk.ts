/*
 * Where walkBucketOf lived before the provider stats walked their own documents. Migration
 * 20261205000700 imports it from here, and an applied migration's module is checksummed, so it keeps
 * its import; everything else imports shared/infrastructure/walk-bucket.ts.
 */
export { WALK_BUCKETS, walkBucketOf } from '../../shared/infrastructure/walk-bucket.js';
