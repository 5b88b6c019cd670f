// The fault harness (docs/failure-model.md, "Chaos"): patients book, providers answer and patients
// cancel on the local platform while, one after the other, a service is killed and restarted, Kafka,
// Redis and the database go down and come back, and Stripe stops answering for a while. Then, with
// everything back, every rule of the checker must hold (npm run check:invariants): no booking lost,
// no money kept that is not owed, no slot held twice or left held. Exit 1 if any rule is broken.
//   npm run chaos                                   ten minutes, a fault every 20 s
//   npm run chaos -- --seconds 90 --fault-every 15  a short run
//   npm run chaos -- --seconds 30 --faults 5        each fault once, however long they take (the suite's run)
// Options: --seconds (600), --rate (bookings started per second, 2), --fault-every (seconds, 20),
// --outage (seconds a dependency stays down, 10), --settle (seconds the checker may wait, 180),
// --faults (inject exactly this many, one after the other, and keep the bookings coming until the
// last is over, even past --seconds; default: as many as fit in --seconds).
// It runs its own copy of the platform on the usual ports, with databases and consumer groups of its
// own (scripts/services.mjs PLATFORM_SUFFIX), so nothing else on the broker is handled by it: a
// running `npm run up` is stopped first, and the copy is stopped at the end.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { createProvider, newRunId, reserveAndBook, spreadSlots } from '../bench/lib/platform.mjs';
import { callBookingSvc as call } from './lib/booking-api.mjs';
import { infraHome, root, services } from './lib/env.mjs';

const run = promisify(execFile);
const runId = newRunId();
const suffix = `chaos_${runId.replace(/-/g, '_')}`;
/** This run's platform: its databases and groups (and the checker's databases) carry the suffix. */
const platformEnv = {
  ...process.env,
  PLATFORM_SUFFIX: suffix,
  BOOKING_DB: `booking_${suffix}`,
  PAYMENT_DB: `payment_${suffix}`,
  SCHEDULER_DB: `scheduler_${suffix}`,
};
const { values: options } = parseArgs({
  options: {
    seconds: { type: 'string', default: '600' },
    rate: { type: 'string', default: '2' },
    'fault-every': { type: 'string', default: '20' },
    outage: { type: 'string', default: '10' },
    settle: { type: 'string', default: '180' },
    faults: { type: 'string' },
  },
});
const seconds = Number(options.seconds);
const rate = Number(options.rate);
const faultEverySeconds = Number(options['fault-every']);
const outageMs = Number(options.outage) * 1000;
const faultCount = options.faults === undefined ? undefined : Number(options.faults);

const log = (line) => console.log(`${new Date().toISOString().slice(11, 19)}  ${line}`);
const infra = (command, component) => run(join(root, 'scripts/infra'), [command, component], { cwd: root, timeout: 180_000 });
const platformServices = (command) => run(process.execPath, [join(root, 'scripts/services.mjs'), command], { cwd: root, env: platformEnv, timeout: 240_000 });
const servicesUp = () => platformServices('up');

/** The pid in a pid file (`<pid>` or `<pid> <start time>`), if the file is there. */
function pidIn(file) {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim().split(/\s+/)[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

// ---- faults: each takes something away and gives it back -------------------------------------------

const serviceNames = services.map((s) => s.name);
let nextService = 0;
const faults = [
  {
    name: 'kill a service',
    async inject() {
      const name = serviceNames[nextService++ % serviceNames.length];
      const pid = pidIn(join(infraHome, 'services', `${name}.pid`));
      if (pid) process.kill(pid, 'SIGKILL');
      log(`  ${name} killed (SIGKILL)`);
      await sleep(2000);
      await servicesUp();
      log(`  ${name} restarted and ready`);
    },
  },
  { name: 'Kafka down', component: 'kafka' },
  {
    name: 'Stripe not answering',
    async inject() {
      const pid = pidIn(join(infraHome, 'run', 'stripe-mock.pid'));
      if (!pid) return log('  stripe-mock not found; skipped');
      process.kill(pid, 'SIGSTOP');
      await sleep(outageMs);
      process.kill(pid, 'SIGCONT');
    },
  },
  { name: 'Redis down', component: 'redis' },
  { name: 'database down', component: 'mongo' },
];

async function inject(fault) {
  if (fault.inject) return fault.inject();
  await infra('down', fault.component);
  await sleep(outageMs);
  await infra('up', fault.component);
}

// ---- load: bookings made, answered and cancelled while the faults happen ----------------------------

const outcomes = new Map();
const count = (what) => outcomes.set(what, (outcomes.get(what) ?? 0) + 1);
const outcomeOf = (answer) => (answer ? `${answer.status}${answer.code ? ` ${answer.code}` : ''}` : 'none');

async function bookAndAct(providers, slot, patientId) {
  const provider = providers[Math.floor(Math.random() * providers.length)];
  const { reservation, booking } = await reserveAndBook(provider.id, slot, patientId);
  count(`reserve ${outcomeOf(reservation)}`);
  if (!booking) return;
  count(`book ${outcomeOf(booking)}`);
  const id = booking.body?.data?.id;
  if (!id) return;
  await sleep(1000 + Math.random() * 4000);
  const roll = Math.random();
  if (roll < 0.15) {
    count(`patient cancel ${outcomeOf(await call('POST', `/internal/bookings/${id}/cancel`, { type: 'patient', id: patientId }, { reason: 'chaos' }))}`);
  } else if (!provider.instant && roll < 0.75) {
    count(`provider confirm ${outcomeOf(await call('POST', `/internal/bookings/${id}/confirm`, { type: 'provider', id: provider.id }, {}))}`);
  } else if (!provider.instant && roll < 0.85) {
    count(`provider decline ${outcomeOf(await call('POST', `/internal/bookings/${id}/decline`, { type: 'provider', id: provider.id }, { reason: 'chaos' }))}`);
  }
}

async function main() {
  log(`bringing the infrastructure up and this run's platform (${suffix})`);
  await run(join(root, 'scripts/infra'), ['up'], { cwd: root, timeout: 300_000 });
  await platformServices('down');
  await servicesUp();

  const providers = [];
  for (let i = 0; i < 4; i++) {
    const instant = i % 2 === 1;
    providers.push({ id: await createProvider(`chaos-${runId}-p${i}`, { instant }), instant });
  }
  // More bookings than slots per provider would only be refusals; some collisions are wanted (409s).
  const slots = spreadSlots(Math.max(50, Math.ceil(seconds * rate * 0.8)), 60);
  const length = faultCount === undefined ? `${seconds} s` : `${faultCount} faults (at least ${seconds} s)`;
  log(`run ${runId}: ${length}, ${rate} bookings/s, a fault every ${faultEverySeconds} s (${outageMs / 1000} s outages)`);

  const end = Date.now() + seconds * 1000;
  const inFlight = new Set();
  let started = 0;
  let faultsOver = false;
  const load = (async () => {
    while (Date.now() < end || (faultCount !== undefined && !faultsOver)) {
      const work = bookAndAct(providers, slots[Math.floor(Math.random() * slots.length)], `chaos-${runId}-patient-${started++}`).catch((error) =>
        count(`client error ${error.message.slice(0, 60)}`),
      );
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
      await sleep(1000 / rate);
    }
  })();

  const injected = [];
  const chaos = (async () => {
    const more = (i) => (faultCount === undefined ? Date.now() + faultEverySeconds * 1000 < end : i < faultCount);
    for (let i = 0; more(i); i++) {
      await sleep(faultEverySeconds * 1000);
      const fault = faults[i % faults.length];
      log(`fault: ${fault.name}`);
      try {
        await inject(fault);
        injected.push(fault.name);
      } catch (error) {
        log(`  restoring after "${fault.name}" failed: ${error.message}`);
        injected.push(`${fault.name} (restore failed)`);
      }
    }
    faultsOver = true;
  })();

  await Promise.all([load, chaos]);
  await Promise.allSettled([...inFlight]);
  log('faults over: making sure everything is up');
  await run(join(root, 'scripts/infra'), ['up'], { cwd: root, timeout: 300_000 });
  await servicesUp();

  log(`checking the invariants (waiting up to ${options.settle} s for the pipeline to settle)`);
  const check = await run(process.execPath, [join(root, 'scripts/check-invariants.mjs'), '--wait', options.settle], {
    cwd: root,
    env: platformEnv,
    timeout: 600_000,
  }).then(
    (result) => ({ code: 0, output: result.stdout }),
    (error) => ({ code: error.code ?? 1, output: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
  );
  console.log(`\nbookings started: ${started}; faults: ${injected.join(', ') || 'none'}`);
  for (const [what, n] of [...outcomes].sort()) console.log(`  ${String(n).padStart(5)}  ${what}`);
  console.log(`\n${check.output.trim()}`);
  await platformServices('down');
  const clean = check.code === 0 && started > 0;
  console.log(clean ? '\nchaos: every invariant holds' : '\nchaos: FAILED');
  process.exit(clean ? 0 : 1);
}

await main();
