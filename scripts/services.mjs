// Runs the six services from dist/: `foreground` (npm start: prefixed logs, Ctrl-C stops them),
// `up` (detached, logs and pid files under $INFRA_HOME/services), `down`, `status`. With
// PLATFORM_SUFFIX, a copy with its own databases and consumer groups (below).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { infraHome, root, serviceEnv, services } from './lib/env.mjs';

const runDir = join(infraHome, 'services');
const READY_TIMEOUT_MS = Number(process.env.READY_TIMEOUT_MS ?? 90_000);

const entry = (name) => join(root, 'dist/apps', name, 'src/main.js');
// Extra Node flags for every service, e.g. SERVICE_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' (Node refuses those in NODE_OPTIONS).
const nodeArgs = (process.env.SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
const migrations = (name) => join(root, 'dist/apps', name, 'src/migrate.js');
const pidFile = (name) => join(runDir, `${name}.pid`);
const url = ({ port }) => `http://127.0.0.1:${port}`;

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function runningPid(name) {
  if (!existsSync(pidFile(name))) return undefined;
  const pid = Number(readFileSync(pidFile(name), 'utf8'));
  if (!isAlive(pid)) return undefined;
  const cmdline = existsSync(`/proc/${pid}/cmdline`) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : '';
  return cmdline.includes(entry(name)) ? pid : undefined;
}

async function waitReady(service, child) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${service.name} exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${url(service)}/health/ready?strict=true`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`${service.name} was not ready within ${READY_TIMEOUT_MS} ms (see its log)`);
}

// PLATFORM_SUFFIX=<s>: a copy of the platform with databases and consumer groups of its own
// (<db>_<s>, <service>-<s>) that reads Kafka from the moment it starts (npm run chaos uses it).
const suffix = process.env.PLATFORM_SUFFIX;
function envFor(service) {
  const isolated = suffix
    ? {
        KAFKA_FROM_BEGINNING: 'false',
        ...(service.name === 'gateway' ? {} : { MONGO_DB: `${service.name.replace(/-svc$/, '')}_${suffix}`, KAFKA_GROUP_ID: `${service.name}-${suffix}` }),
      }
    : {};
  return { ...serviceEnv(), ...isolated, PORT: String(service.port) };
}

function prefixLines(stream, name, out) {
  let buffer = '';
  stream.on('data', (chunk) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) out.write(`${name.padEnd(17)}| ${line}\n`);
  });
}

/** Brings each service's database up to date (docs/migrations.md) before any service starts; a failure stops here. */
async function migrate() {
  const results = await Promise.all(
    services
      .filter((service) => existsSync(migrations(service.name)))
      .map(
        (service) =>
          new Promise((resolve) => {
            const child = spawn(process.execPath, [migrations(service.name), 'up'], { cwd: root, env: envFor(service), stdio: ['ignore', 'pipe', 'pipe'] });
            prefixLines(child.stdout, service.name, process.stdout);
            prefixLines(child.stderr, service.name, process.stderr);
            child.once('exit', (code) => resolve({ service, code }));
          }),
      ),
  );
  const failed = results.filter(({ code }) => code !== 0).map(({ service }) => service.name);
  if (failed.length > 0) {
    console.error(`migrations failed for ${failed.join(', ')}; no service started`);
    process.exit(1);
  }
}

async function foreground() {
  await migrate();
  const started = Date.now();
  const children = services.map((service) => {
    const child = spawn(process.execPath, [...nodeArgs, entry(service.name)], { cwd: root, env: envFor(service), stdio: ['ignore', 'pipe', 'pipe'] });
    prefixLines(child.stdout, service.name, process.stdout);
    prefixLines(child.stderr, service.name, process.stderr);
    return { service, child };
  });
  let stopping = false;
  const stop = async (code) => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping services…');
    for (const { child } of children) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(children.map(({ child }) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : undefined)));
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  for (const { child, service } of children) child.once('exit', (code) => !stopping && (console.error(`${service.name} exited (${code})`), void stop(1)));
  try {
    await Promise.all(children.map(({ service, child }) => waitReady(service, child)));
  } catch (error) {
    console.error(error.message);
    return stop(1);
  }
  printTable(`all six services ready in ${((Date.now() - started) / 1000).toFixed(1)} s — Ctrl-C stops them`);
}

async function up() {
  mkdirSync(runDir, { recursive: true });
  await migrate();
  const started = Date.now();
  const launched = new Map();
  for (const service of services) {
    if (runningPid(service.name)) continue;
    const log = openSync(join(runDir, `${service.name}.log`), 'a');
    const child = spawn(process.execPath, [...nodeArgs, entry(service.name)], { cwd: root, env: envFor(service), stdio: ['ignore', log, log], detached: true });
    closeSync(log);
    writeFileSync(pidFile(service.name), String(child.pid));
    child.unref();
    launched.set(service.name, child);
  }
  await Promise.all(services.map((service) => waitReady(service, launched.get(service.name))));
  printTable(`services ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${launched.size} started, logs in ${runDir})`);
}

async function down() {
  for (const service of services) {
    const pid = runningPid(service.name);
    if (pid) process.kill(pid, 'SIGTERM');
  }
  const deadline = Date.now() + 20_000;
  while (services.some((s) => runningPid(s.name)) && Date.now() < deadline) await sleep(200);
  for (const service of services) {
    const pid = runningPid(service.name);
    if (pid) process.kill(pid, 'SIGKILL');
    rmSync(pidFile(service.name), { force: true });
  }
  console.log('services stopped');
}

function printTable(title) {
  console.log(`\n${title}`);
  for (const service of services)
    console.log(`  ${service.name.padEnd(17)} ${url(service)}   (health: ${url(service)}/health/ready, metrics: ${url(service)}/metrics)`);
  const gateway = services.find((service) => service.name === 'gateway');
  if (gateway) console.log(`\n  provider portal and admin dashboard: ${url(gateway)}/portal/   (development sign-in on its sign-in page)`);
}

function status() {
  for (const service of services) console.log(`${service.name.padEnd(17)} ${runningPid(service.name) ? 'running' : 'stopped'}`);
}

const commands = { foreground, up, down, status };
const command = commands[process.argv[2]];
if (!command) {
  console.error('usage: node scripts/services.mjs foreground|up|down|status');
  process.exit(64);
}
await command();
