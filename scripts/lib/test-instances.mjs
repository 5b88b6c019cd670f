// The test command's engines: one whole infrastructure (scripts/infra) per jest worker, so files of
// the integration and e2e tiers run side by side without seeing each other's messages, databases,
// rate-limit counters or feature flags (docs/testing.md). Worker 1 uses the usual INFRA_HOME and
// ports; worker n uses INFRA_HOME-n and every port 100·(n−1) higher.
//   node scripts/lib/test-instances.mjs up     starts instances 2..TEST_WORKERS (1 is `scripts/infra up`'s)
//   node scripts/lib/test-instances.mjs down   stops them
//   node scripts/lib/test-instances.mjs workers    prints TEST_WORKERS (3 unless set)
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

/** How many files run at once (jest workers), each on an infrastructure of its own. */
export function testWorkers(env = process.env) {
  const workers = Number(env.TEST_WORKERS ?? 3);
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`TEST_WORKERS must be a whole number ≥ 1, not ${env.TEST_WORKERS}`);
  return workers;
}

/** scripts/infra's port settings and their defaults there. */
const PORTS = { KAFKA_PORT: 9092, KAFKA_CONTROLLER_PORT: 9093, MONGO_PORT: 27017, PG_PORT: 54329, REDIS_PORT: 6379, STRIPE_MOCK_PORT: 12111 };

/** The environment that points scripts/infra, the specs and the services they start at instance `n` (nothing to change for 1). */
export function instanceEnv(n, env = process.env) {
  if (n <= 1) return {};
  const home = env.INFRA_HOME ?? join(root, '.infra');
  const ports = Object.entries(PORTS).map(([name, port]) => [name, String(Number(env[name] ?? port) + 100 * (n - 1))]);
  return { INFRA_HOME: `${home}-${n}`, ...Object.fromEntries(ports) };
}

async function main(command) {
  if (command === 'workers') return void process.stdout.write(`${testWorkers()}\n`);
  if (command !== 'up' && command !== 'down') throw new Error('usage: node scripts/lib/test-instances.mjs up|down|workers');
  const instances = Array.from({ length: testWorkers() - 1 }, (_, i) => i + 2);
  await Promise.all(
    instances.map(async (n) => {
      const { stdout, stderr } = await promisify(execFile)(join(root, 'scripts/infra'), [command], {
        env: { ...process.env, ...instanceEnv(n) },
        timeout: 1_800_000,
      });
      process.stdout.write(`instance ${n}:\n${stdout}${stderr}`);
    }),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv[2]).catch((error) => {
    process.stderr.write(`${error.stderr ?? ''}${error.message}\n`);
    process.exit(1);
  });
}
