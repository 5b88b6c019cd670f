import { ConfigValidationError, loadConfig } from '../config/load-config.js';
import type { DatabaseServiceConfig } from '../config/service.config.js';
import type { Migration } from './migration.js';
import { applyPendingMigrations, withMigrationRunner } from './apply-migrations.js';
import { describeMigrationFailure } from './migration-error.js';
import type { MigrationStatus } from './migration-status.js';

export interface MigrationCliDefinition<C extends DatabaseServiceConfig> {
  name: string;
  configClass: new () => C;
  migrations: readonly Migration[];
}

const USAGE = 'usage: migrate.js up | down [count] | status';
const EX_USAGE = 64;
const EX_CONFIG = 78;

function parse(args: string[]): { command: 'up' | 'status' } | { command: 'down'; count: number } | undefined {
  const [command, count, ...rest] = args;
  if (rest.length > 0) return undefined;
  if ((command === 'up' || command === 'status') && count === undefined) return { command };
  if (command !== 'down') return undefined;
  if (count === undefined) return { command, count: 1 };
  return /^[1-9]\d*$/.test(count) ? { command, count: Number(count) } : undefined;
}

function table(rows: MigrationStatus[]): string {
  if (rows.length === 0) return 'no migrations';
  return rows.map((row) => `${row.version}  ${row.state.padEnd(7)}  ${row.appliedAt?.toISOString() ?? '-'.padEnd(24)}  ${row.name}`).join('\n');
}

/**
 * The `migrate.js` entry point of a service: its own config (MONGO_URL, MONGO_DB — the same class and
 * validation as the service), then `up`, `down [count]` or `status`. Exits 0 when done, 1 when a
 * migration, the lock or a checksum refuses (the reason on stderr), 64 on bad usage, 78 on bad config.
 */
export async function runMigrationCli<C extends DatabaseServiceConfig>(definition: MigrationCliDefinition<C>, args = process.argv.slice(2)): Promise<never> {
  const request = parse(args);
  if (!request) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(EX_USAGE);
  }
  let config: C;
  try {
    config = loadConfig(definition.name, definition.configClass);
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(EX_CONFIG);
  }
  const say = (line: string) => process.stdout.write(`${definition.name} migrate: ${line}\n`);
  let code = 0;
  try {
    if (request.command === 'down') {
      const { count } = request;
      const reverted = await withMigrationRunner(config, definition.migrations, say, (runner) => runner.down(count));
      say(reverted.length === 0 ? 'nothing applied to revert' : `reverted ${reverted.length} migration(s) on ${config.MONGO_DB}`);
    } else if (request.command === 'up') await applyPendingMigrations(config, definition.migrations, say);
    else await withMigrationRunner(config, definition.migrations, say, async (runner) => void process.stdout.write(`${table(await runner.status())}\n`));
  } catch (error) {
    process.stderr.write(`${definition.name} migrate ${request.command} failed: ${describeMigrationFailure(error)}\n`);
    code = 1;
  }
  process.exit(code);
}
