// Environment for locally run services: config/local.env, then the infrastructure's connection
// settings ($INFRA_HOME/env, written by scripts/infra), then the caller's own environment (wins).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
export const infraHome = process.env.INFRA_HOME ?? join(root, '.infra');

export function parseEnvFile(path) {
  if (!existsSync(path)) return {};
  const entries = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = line.match(/^\s*(?:export\s+)?([A-Z0-9_]+)=(.*)$/);
    if (match) entries[match[1]] = match[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return entries;
}

export function serviceEnv() {
  return { ...parseEnvFile(join(root, 'config/local.env')), ...parseEnvFile(join(infraHome, 'env')), ...process.env };
}

export const services = JSON.parse(readFileSync(join(root, 'services.json'), 'utf8')).services;
