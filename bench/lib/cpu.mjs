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
 * Samples the processes' CPU for `seconds`, every `intervalMs`. Returns per name the share of one core
 * (percent), the processes counted, and the total.
 */
export async function sampleCpu(roots, seconds, intervalMs = 1000) {
  const first = snapshot(roots);
  const started = performance.now();
  const used = new Map(); // pid → { name, ticks used within the window }
  let previous = first;
  while (performance.now() - started < seconds * 1000) {
    await sleep(Math.min(intervalMs, seconds * 1000 - (performance.now() - started)));
    const current = snapshot(roots);
    for (const [pid, { name, ticks }] of current) {
      const before = previous.get(pid)?.ticks ?? 0; // a process new since the last sample: its whole life is in the window
      const entry = used.get(pid) ?? { name, ticks: 0 };
      entry.ticks += Math.max(0, ticks - before);
      used.set(pid, entry);
    }
    previous = current;
  }
  const elapsed = (performance.now() - started) / 1000;
  const perName = {};
  for (const { name, ticks } of used.values()) {
    const entry = (perName[name] ??= { percent: 0, processes: 0 });
    entry.percent += (100 * ticks) / TICKS_PER_SECOND / elapsed;
    entry.processes += 1;
  }
  for (const entry of Object.values(perName)) entry.percent = Math.round(entry.percent * 10) / 10;
  const total = Math.round(Object.values(perName).reduce((sum, e) => sum + e.percent, 0) * 10) / 10;
  return { seconds: Math.round(elapsed * 10) / 10, totalPercent: total, perProcess: perName };
}
