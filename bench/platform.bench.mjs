// The platform benchmark (issue 13) on a running platform: `npm run up && npm run bench`, or one phase
// again with `npm run bench -- --only hot-slot` (or BENCH_PHASES). See bench/README.md for what each
// phase measures and every setting. Prints the environment, progress per phase, one table of measured /
// target / met, and last one JSON line. Targets are reported, not enforced: the exit code is 1 only when
// the services a phase needs were not ready or a phase could not run at all.
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { infraHome, parseEnvFile, serviceEnv } from '../scripts/lib/env.mjs';
import { devTokenSigner } from '../scripts/lib/tokens.mjs';
import { clientAddresses } from './lib/addresses.mjs';
import { gatewayClient } from './lib/http.mjs';
import { checkReadiness, newRunId, serviceNames, serviceUrl } from './lib/platform.mjs';
import { waitForQuiet } from './lib/quiet.mjs';
import { renderTable } from './lib/report.mjs';
import { int, num, numbers, oneOf, text } from './lib/settings.mjs';
import { round } from './lib/stats.mjs';
import { TARGETS } from './lib/targets.mjs';
import { availability } from './phases/availability.mjs';
import { startDeliveryProbe } from './phases/delivery.mjs';
import { ceilingRatios, engine } from './phases/engine.mjs';
import { hotSlot } from './phases/hot-slot.mjs';
import { idleCpu } from './phases/idle-cpu.mjs';
import { openLoopPhase } from './phases/open-loop.mjs';
import { pairs } from './phases/pairs.mjs';
import { saturation } from './phases/saturation.mjs';

/** The phases in the order they run, with the services each needs ready and its title. */
const PHASES = [
  { name: 'availability', title: 'availability, 60 days, provider with 1,000 bookings', needs: ['gateway', 'booking-svc'], run: availability },
  { name: 'pairs', title: 'reservation → booking, closed loop, booking-svc', needs: ['booking-svc'], run: pairs },
  {
    name: 'open-loop',
    title: 'open loop through the gateway, completion on the live stream',
    needs: ['gateway', 'booking-svc', 'payment-svc'],
    run: openLoopPhase,
  },
  { name: 'saturation', title: 'saturation ramp through the gateway', needs: ['gateway', 'booking-svc', 'payment-svc'], run: saturation },
  { name: 'hot-slot', title: 'hot slot: many patients, one slot', needs: ['gateway', 'booking-svc'], run: hotSlot },
  { name: 'delivery', title: 'commit → consumer latency (during open-loop)', needs: [] },
  { name: 'engine', title: 'engine raw ceiling', needs: [], run: engine },
  { name: 'idle-cpu', title: 'idle CPU after the load', needs: [], run: idleCpu },
];
const PHASE_NAMES = PHASES.map((p) => p.name);

function selectedPhases() {
  const { values } = parseArgs({ options: { only: { type: 'string' }, help: { type: 'boolean', default: false } } });
  if (values.help) {
    console.log(`usage: npm run bench [-- --only ${PHASE_NAMES.join(',')}]   (or BENCH_PHASES=…; settings: bench/README.md)`);
    process.exit(0);
  }
  const list = (values.only ?? text('BENCH_PHASES', 'all'))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.includes('all')) return new Set(PHASE_NAMES);
  const unknown = list.filter((name) => !PHASE_NAMES.includes(name));
  if (unknown.length) {
    console.error(`unknown phase ${unknown.join(', ')}; phases: ${PHASE_NAMES.join(', ')}`);
    process.exit(64);
  }
  const phases = new Set(list);
  if (phases.has('delivery')) phases.add('open-loop'); // it measures the open-loop phase's messages
  return phases;
}

let cfg;
try {
  cfg = {
    phases: [...selectedPhases()],
    seedBookings: int('BENCH_SEED_BOOKINGS', 1000),
    seedConcurrency: int('BENCH_SEED_CONCURRENCY', 16),
    availabilityDays: int('BENCH_AVAILABILITY_DAYS', 60),
    availabilityRequests: int('BENCH_AVAILABILITY_REQUESTS', 200),
    availabilityConcurrency: int('BENCH_AVAILABILITY_CONCURRENCY', 4),
    availabilityWarmup: int('BENCH_AVAILABILITY_WARMUP', 5, { min: 0 }),
    bookings: int('BENCH_BOOKINGS', 300),
    concurrency: int('BENCH_CONCURRENCY', 16),
    rate: num('BENCH_RATE', 25, { min: 0.1 }),
    durationS: num('BENCH_DURATION_S', 60, { min: 1 }),
    completionDeadlineS: num('BENCH_COMPLETION_DEADLINE_S', 10, { min: 0.001 }),
    requestDeadlineMs: int('BENCH_REQUEST_DEADLINE_MS', 10_000),
    saturationRates: numbers('BENCH_SATURATION_RATES', '10,25,40,60'),
    saturationStepS: num('BENCH_SATURATION_STEP_S', 15, { min: 1 }),
    saturationPauseS: num('BENCH_SATURATION_PAUSE_S', 5),
    saturationStopShare: num('BENCH_SATURATION_STOP_SHARE', 0.2),
    hotSlotPatients: int('BENCH_HOT_SLOT_PATIENTS', 500, { min: 2 }),
    engineOperations: int('BENCH_ENGINE_OPERATIONS', 2000),
    idleSettleS: num('BENCH_IDLE_SETTLE_S', 30),
    idleSampleS: num('BENCH_IDLE_SAMPLE_S', 20, { min: 1 }),
    quietMaxS: num('BENCH_QUIET_MAX_S', 30),
    readyWaitS: num('BENCH_READY_WAIT_S', 30),
    clientAddress: oneOf('BENCH_CLIENT_ADDRESS', 'phase', ['phase', 'patient', 'peer']),
  };
} catch (error) {
  console.error(error.message);
  process.exit(64);
}

const run = newRunId();
const env = serviceEnv();
const log = (line = '') => console.log(line);
const selected = PHASES.filter((p) => cfg.phases.includes(p.name));
const required = [...new Set(selected.flatMap((p) => p.needs))];

// ---------------------------------------------------------------- environment and readiness

const infra = parseEnvFile(join(infraHome, 'env'));
const readiness = await checkReadiness(required, cfg.readyWaitS);
const notReady = Object.entries(readiness).filter(([, s]) => !s.ready);
const environment = {
  node: process.version,
  mongoEngine: infra.MONGO_ENGINE ?? process.env.MONGO_ENGINE ?? 'unknown (no $INFRA_HOME/env)',
  cpus: availableParallelism(),
  cpuModel: cpus()[0]?.model ?? 'unknown',
  loadAverage: loadavg().map((x) => round(x)),
  infraHome,
  gateway: serviceUrl('gateway'),
  bookingSvc: serviceUrl('booking-svc'),
  run,
  clientAddress: cfg.clientAddress,
  notReady: Object.fromEntries(notReady.map(([name, s]) => [name, s.detail])),
};
const sign = devTokenSigner(env);
const gateway = gatewayClient(environment.gateway, { deadlineMs: cfg.requestDeadlineMs });

log('platform benchmark (issue 13)');
log(`  node ${environment.node}, MONGO_ENGINE ${environment.mongoEngine}, ${environment.cpus} CPUs (${environment.cpuModel})`);
log(`  load average ${environment.loadAverage.join(' ')} at start; INFRA_HOME ${infraHome}`);
log(`  gateway ${environment.gateway}, booking-svc ${environment.bookingSvc}, run id ${run}`);
log(`  phases: ${selected.map((p) => p.name).join(', ')}; client addresses: ${cfg.clientAddress}`);
log('  (client, services, Kafka and the database share this machine: numbers compare builds on it, they are not capacity figures)');
for (const [name, s] of notReady) log(`  ${required.includes(name) ? 'NOT READY' : 'not ready (not needed by these phases)'}: ${name}: ${s.detail}`);
const missingNeeded = notReady.filter(([name]) => required.includes(name));
if (missingNeeded.length) {
  log(`\nThe selected phases need ${missingNeeded.map(([n]) => n).join(', ')} ready. Start the platform first:  npm run up`);
  console.log(JSON.stringify({ bench: 'platform', environment, config: cfg, error: 'platform not ready', exitCode: 1 }));
  process.exit(1);
}
if (required.includes('gateway')) {
  const flags = await gateway('GET', '/api/admin/feature-flags', { token: await sign('admin', `bench-${run}-admin`) });
  environment.featureFlags = flags.status === 200 ? Object.fromEntries(flags.body.data.map((f) => [f.name, f.value])) : `HTTP ${flags.status}`;
  log(`  feature flags: ${typeof environment.featureFlags === 'string' ? environment.featureFlags : JSON.stringify(environment.featureFlags)}`);
}

// ---------------------------------------------------------------- phases

const newAddressScope = clientAddresses(cfg.clientAddress);
const readyServices = serviceNames.filter((name) => readiness[name].ready);
const ctx = {
  cfg,
  run,
  env,
  infraHome,
  log,
  sign,
  gateway,
  newAddressScope,
  quiet: async (label) => {
    const q = await waitForQuiet(readyServices, cfg.quietMaxS);
    log(q.quiet ? `  quiet after ${label} in ${q.seconds} s` : `  not quiet after ${label} within ${q.seconds} s: ${q.busy}`);
    return q;
  },
};

const results = {};
let failed = false;
for (const [n, phase] of selected.entries()) {
  if (phase.name === 'delivery') continue; // measured around open-loop
  log(`\n[${PHASE_NAMES.indexOf(phase.name) + 1}] ${phase.title}`);
  if (n > 0 && phase.name !== 'idle-cpu') await ctx.quiet('the previous phase');
  // The platform may be restarted between phases (by someone else on a shared machine): wait for what this phase needs.
  const states = n > 0 && phase.needs.length ? await checkReadiness(phase.needs, cfg.readyWaitS) : {};
  const down = phase.needs.filter((name) => states[name] && !states[name].ready);
  if (down.length) {
    failed = true;
    const reason = `not ready: ${down.map((name) => `${name} (${states[name].detail})`).join(', ')}`;
    results[phase.name] = { error: reason, rows: [{ name: 'could not run', measured: reason, met: false }] };
    log(`  SKIPPED, ${reason}`);
    continue;
  }
  const probe = phase.name === 'open-loop' && cfg.phases.includes('delivery') ? await startDeliveryProbe().catch((error) => ({ error })) : undefined;
  try {
    results[phase.name] = await phase.run(ctx);
  } catch (error) {
    failed = true;
    results[phase.name] = { error: error.message, rows: [{ name: 'could not run', measured: error.message, met: false }] };
    log(`  FAILED: ${error.stack ?? error.message}`);
  }
  if (probe) {
    log(`\n[${PHASE_NAMES.indexOf('delivery') + 1}] ${PHASES.find((p) => p.name === 'delivery').title}`);
    if (probe.error) results.delivery = { error: probe.error.message, rows: [{ name: 'could not scrape', measured: probe.error.message }] };
    else {
      await ctx.quiet('the open-loop phase');
      results.delivery = await probe.finish();
      for (const row of results.delivery.rows) log(`  ${row.name}: ${row.measured}`);
    }
  }
}

// ---------------------------------------------------------------- report

const ratios = ceilingRatios(results);
const table = [];
for (const phase of PHASES) {
  const result = results[phase.name];
  if (!result) continue;
  const label = `${PHASE_NAMES.indexOf(phase.name) + 1} ${phase.name}`;
  for (const row of result.rows) table.push({ phase: label, ...row });
}
for (const r of ratios) table.push({ phase: 'ceiling ratios', name: r.name, measured: `${r.value} (${r.text})` });

log('\nResults (targets are reported, not enforced)\n');
log(renderTable(table));
const exitCode = failed ? 1 : 0;
log(
  `\n${JSON.stringify({
    bench: 'platform',
    environment,
    config: cfg,
    targets: TARGETS,
    phases: Object.fromEntries(Object.entries(results).map(([name, r]) => [name, r.error ? { error: r.error } : r.json])),
    ceilingRatios: ratios,
    table,
    exitCode,
  })}`,
);
process.exitCode = exitCode;
