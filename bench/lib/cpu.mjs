// CPU of the whole platform from /proc: the six services (pids in $INFRA_HOME/services/*.pid) and the
// infrastructure (pids in $INFRA_HOME/run/*.pid, else found by command line or name), with every
// PostgreSQL backend (they come and go: sampled each interval, a new one counted from zero).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** { ppid, ticks (utime + stime), start } of a live process, or undefined. */
function stat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: the fields after it start at the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]), start: fields[19] };
  } catch {
    return undefined;
  }
}

const cmdline = (pid) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
};
const comm = (pid) => {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
};
const allPids = () =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);

/** A pid file's pid ("<pid>" or "<pid> <start time>"), if that process still runs (and started then). */
function pidFromFile(path) {
  if (!existsSync(path)) return undefined;
  const [pid, start] = readFileSync(path, 'utf8').trim().split(/\s+/);
  const info = stat(Number(pid));
  if (!info || (start && info.start !== start)) return undefined;
  return Number(pid);
}

/** What the infrastructure's processes look like when no pid file names them. */
const INFRA = [
  { name: 'kafka', match: (pid, infraHome) => comm(pid) === 'java' && cmdline(pid).includes(join(infraHome, 'kafka')) },
  { name: 'ferretdb', match: (pid) => comm(pid).startsWith('ferretdb') },
  { name: 'postgres', match: (pid, infraHome) => comm(pid) === 'postgres' && cmdline(pid).includes(join(infraHome, 'postgres')) },
  { name: 'redis', match: (pid) => comm(pid) === 'redis-server' },
  { name: 'stripe-mock', match: (pid) => comm(pid) === 'stripe-mock' },
];

/**
 * The platform's root processes: name → pid (services and infrastructure). PostgreSQL's backends are
 * found per sample as the children of its postmaster.
 */
export function platformProcesses(infraHome, serviceNames) {
  const roots = {};
  for (const name of serviceNames) {
    const pid = pidFromFile(join(infraHome, 'services', `${name}.pid`));
    if (pid && cmdline(pid).includes(`apps/${name}/`)) roots[name] = pid;
  }
  const pids = allPids();
  for (const { name, match } of INFRA) {
    const pid = pidFromFile(join(infraHome, 'run', `${name}.pid`)) ?? pids.find((p) => match(p, infraHome));
    if (pid) roots[name] = pid;
  }
  return roots;
}

/** pid → { name, ticks } for the roots and every child of the postgres root. */
function snapshot(roots) {
  const byPid = new Map();
  for (const [name, pid] of Object.entries(roots)) {
    const info = stat(pid);
    if (info) byPid.set(pid, { name, ticks: info.ticks });
  }
  if (roots.postgres) {
    for (const pid of allPids()) {
      const info = stat(pid);
      if (info?.ppid === roots.postgres) byPid.set(pid, { name: 'postgres', ticks: info.ticks });
    }
  }
  return byPid;
}

/**
 * Counts the processes' CPU from now until `stop()`, sampling every `intervalMs` (PostgreSQL's backends
 * come and go between samples). `stop()` returns the window's length and the CPU seconds used per name.
 * `untilIdle()` resolves once the platform used less than `percent` % of one core over the last second
 * (the asynchronous work behind a load done), or after `maxSeconds`, with how long that took.
 */
export function meterCpu(roots, intervalMs = 500) {
  const started = performance.now();
  const used = new Map(); // pid → { name, ticks used within the window }
  const totals = [{ at: started, ticks: 0 }]; // the running total of ticks, per sample
  let previous = snapshot(roots);
  let total = 0;
  const take = () => {
    const current = snapshot(roots);
    for (const [pid, { name, ticks }] of current) {
      const before = previous.get(pid)?.ticks ?? 0; // a process new since the last sample: its whole life is in the window
      const entry = used.get(pid) ?? { name, ticks: 0 };
      const delta = Math.max(0, ticks - before);
      entry.ticks += delta;
      total += delta;
      used.set(pid, entry);
    }
    previous = current;
    totals.push({ at: performance.now(), ticks: total });
  };
  const timer = setInterval(take, intervalMs).unref(); // a run that fails before stop() still exits
  return {
    async untilIdle({ percent = 20, maxSeconds = 15 } = {}) {
      const from = performance.now();
      for (;;) {
        await sleep(intervalMs);
        const now = performance.now();
        const last = totals[totals.length - 1];
        const second = totals.findLast((t) => t.at <= last.at - 1000);
        if (second && last.at >= from + 1000 && (100 * (last.ticks - second.ticks)) / TICKS_PER_SECOND / ((last.at - second.at) / 1000) < percent) {
          return { idle: true, seconds: Math.round((now - from) / 100) / 10 };
        }
        if (now - from >= maxSeconds * 1000) return { idle: false, seconds: Math.round((now - from) / 100) / 10 };
      }
    },
    stop() {
      clearInterval(timer);
      take();
      const cpuSeconds = {};
      for (const { name, ticks } of used.values()) cpuSeconds[name] = (cpuSeconds[name] ?? 0) + ticks / TICKS_PER_SECOND;
      const processes = {};
      for (const { name } of used.values()) processes[name] = (processes[name] ?? 0) + 1;
      return { seconds: (performance.now() - started) / 1000, cpuSeconds, processes, totalCpuSeconds: total / TICKS_PER_SECOND };
    },
  };
}

/**
 * Samples the processes' CPU for `seconds`, every `intervalMs`. Returns per name the share of one core
 * (percent), the processes counted, and the total.
 */
export async function sampleCpu(roots, seconds, intervalMs = 1000) {
  const meter = meterCpu(roots, intervalMs);
  await sleep(seconds * 1000);
  const { seconds: elapsed, cpuSeconds, processes } = meter.stop();
  const perProcess = {};
  for (const [name, cpu] of Object.entries(cpuSeconds)) {
    perProcess[name] = { percent: Math.round((1000 * cpu) / elapsed) / 10, processes: processes[name] };
  }
  const total = Math.round(Object.values(perProcess).reduce((sum, e) => sum + e.percent, 0) * 10) / 10;
  return { seconds: Math.round(elapsed * 10) / 10, totalPercent: total, perProcess };
}

/** A meter's CPU divided over `units` (pairs, bookings): milliseconds in all and per name, largest first. */
export function cpuPerUnit({ cpuSeconds, totalCpuSeconds }, units) {
  const ms = (seconds) => Math.round((10_000 * seconds) / units) / 10;
  const perProcessMs = Object.fromEntries(
    Object.entries(cpuSeconds)
      .sort(([, a], [, b]) => b - a)
      .map(([name, seconds]) => [name, ms(seconds)]),
  );
  return { units, totalMs: ms(totalCpuSeconds), perProcessMs };
}

/** "41.2 ms (booking-svc 9.1, ferretdb 7, …)": the processes that used 0.1 ms or more. */
export function cpuPerUnitText({ totalMs, perProcessMs }) {
  const parts = Object.entries(perProcessMs).filter(([, ms]) => ms >= 0.1);
  return `${totalMs} ms (${parts.map(([name, ms]) => `${name} ${ms}`).join(', ')})`;
}
