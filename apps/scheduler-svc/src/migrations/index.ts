import type { Migration } from '@bp/platform';

/**
 * scheduler-svc's migrations, oldest first. None yet: its indexes are declared by its schemas (created at
 * boot) and no stored document has changed shape; a data change adds its migration here
 * (docs/migrations.md).
 */
export const schedulerMigrations: readonly Migration[] = [];
