import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceConfig } from '@bp/platform';

export const workspaceRoot = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../../..');

export interface InfraEnv {
  MONGO_URL: string;
  KAFKA_BROKERS: string;
  REDIS_URL: string;
  STRIPE_API_BASE: string;
  MONGO_ENGINE: string;
  [key: string]: string;
}

function parseEnvFile(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  const entries: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = line.match(/^\s*(?:export\s+)?([A-Z0-9_]+)=(.*)$/);
    if (match?.[1]) entries[match[1]] = (match[2] ?? '').replace(/^(['"])(.*)\1$/, '$2');
  }
  return entries;
}

const INSTANCES_HINT = 'the engines of jest workers after the first: node scripts/lib/test-instances.mjs up';

/** Connection settings of the infrastructure `scripts/infra up` started (the test command starts it). */
export function infraEnv(): InfraEnv {
  const home = process.env['INFRA_HOME'] ?? join(workspaceRoot, '.infra');
  const env = { ...parseEnvFile(join(home, 'env')), ...pick(process.env, ['MONGO_URL', 'KAFKA_BROKERS', 'REDIS_URL', 'STRIPE_API_BASE']) };
  for (const key of ['MONGO_URL', 'KAFKA_BROKERS']) {
    if (!env[key]) throw new Error(`${key} is not set and ${home}/env does not exist: run scripts/infra up (npm test does; ${INSTANCES_HINT})`);
  }
  return env as InfraEnv;
}

/** The partition count the services under test create topics with: their KAFKA_TOPIC_PARTITIONS, from this environment as theirs is. */
export function topicPartitions(): number {
  const configured = process.env['KAFKA_TOPIC_PARTITIONS'];
  return configured ? Number(configured) : new ServiceConfig().KAFKA_TOPIC_PARTITIONS;
}

/** Development settings every locally run service needs (config/local.env). */
export function localEnv(): Record<string, string> {
  return parseEnvFile(join(workspaceRoot, 'config/local.env'));
}

function pick(source: NodeJS.ProcessEnv, keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.flatMap((k) => (source[k] ? [[k, source[k] as string]] : [])));
}

/** A suffix that keeps one test run's databases and consumer groups apart from every other's. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}
