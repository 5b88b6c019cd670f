import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { mongo } from 'mongoose';

/** What a migration's steps get: the service's own database, and where to say what they did. */
export interface MigrationContext {
  db: mongo.Db;
  version: string;
  log(message: string): void;
}

/**
 * One versioned change to a service's database. `up` and `down` must be idempotent: a crash between a
 * migration's work and its record makes the next run do it again.
 */
export interface Migration {
  /** `YYYYMMDDhhmmss`: the order migrations run in. */
  version: string;
  /** kebab-case, what the migration does. */
  name: string;
  /** Of the migration's code; an applied migration whose code changed refuses to run (see docs/migrations.md). */
  checksum: string;
  up(context: MigrationContext): Promise<void>;
  down(context: MigrationContext): Promise<void>;
}

export const VERSION_PATTERN = /^\d{14}$/;
const NAME_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function checksumOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The checksum of a migration module: its file as it runs (compiled, in dist/), whitespace collapsed
 * and the source map comment left out, so it covers every helper the file holds but not formatting.
 */
export function moduleChecksum(moduleUrl: string): string {
  const code = readFileSync(fileURLToPath(moduleUrl), 'utf8')
    .replace(/\/\/# sourceMappingURL=\S+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return checksumOf(code);
}

/** Declares a migration in its own module: `defineMigration({ version, name, up, down }, import.meta.url)`. */
export function defineMigration(definition: Omit<Migration, 'checksum'>, moduleUrl: string): Migration {
  return { ...definition, checksum: moduleChecksum(moduleUrl) };
}

/** The service's migrations in the order they run, refusing a malformed or duplicated version. */
export function orderMigrations(migrations: readonly Migration[]): Migration[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const { version, name } of migrations) {
    if (!VERSION_PATTERN.test(version)) problems.push(`version ${version} is not YYYYMMDDhhmmss`);
    if (!NAME_PATTERN.test(name)) problems.push(`name ${name} of ${version} is not kebab-case`);
    if (seen.has(version)) problems.push(`version ${version} appears twice`);
    seen.add(version);
  }
  if (problems.length > 0) throw new Error(`invalid migration list: ${problems.join('; ')}`);
  return [...migrations].sort((a, b) => a.version.localeCompare(b.version));
}
