import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@bp/testing';

/**
 * A released migration never changes: each service records an applied migration's checksum, and
 * `up` refuses to run against a database whose migration differs from the module it has (see
 * docs/migrations.md). So every migration module is pinned here, by the hash of its source with
 * whitespace collapsed, in its service's `migrations/checksums.json`. A change to a pinned module
 * fails this spec; a new migration fails it until it is pinned (add its line when releasing it).
 */
const root = workspaceRoot;
const MIGRATION_FILE = /^\d{14}-[a-z0-9-]+\.ts$/;
const services = readdirSync(join(root, 'apps')).filter((name) => readdirSync(join(root, 'apps', name, 'src')).includes('migrations'));

const sourceHash = (file: string) => createHash('sha256').update(readFileSync(file, 'utf8').replace(/\s+/g, ' ').trim()).digest('hex');

describe.each(services)('%s migrations stay as released', (service) => {
  const folder = join(root, 'apps', service, 'src', 'migrations');
  const modules = readdirSync(folder).filter((name) => MIGRATION_FILE.test(name));
  const pinned = JSON.parse(readFileSync(join(folder, 'checksums.json'), 'utf8')) as Record<string, string>;

  it('has every migration module pinned, and each one unchanged since', () => {
    const current = Object.fromEntries(modules.map((name) => [name, sourceHash(join(folder, name))]));
    expect(current).toEqual(pinned);
  });
});
