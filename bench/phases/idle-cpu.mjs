// Phase 8: the whole platform's CPU at rest after the load, per process, from /proc.
import { setTimeout as sleep } from 'node:timers/promises';
import { platformProcesses, sampleCpu } from '../lib/cpu.mjs';
import { serviceNames } from '../lib/platform.mjs';
import { TARGETS } from '../lib/targets.mjs';

const EXPECTED = [...serviceNames, 'kafka', 'ferretdb', 'postgres', 'redis', 'stripe-mock'];

export async function idleCpu(ctx) {
  const { cfg, infraHome, log } = ctx;
  log(`  settling ${cfg.idleSettleS} s, then sampling ${cfg.idleSampleS} s…`);
  await sleep(cfg.idleSettleS * 1000);
  const roots = platformProcesses(infraHome, serviceNames);
  const missing = EXPECTED.filter((name) => !roots[name]);
  const cpu = await sampleCpu(roots, cfg.idleSampleS);
  const breakdown = Object.entries(cpu.perProcess).sort(([, a], [, b]) => b.percent - a.percent);
  log(`  total ${cpu.totalPercent} % of one core: ${breakdown.map(([name, e]) => `${name} ${e.percent}`).join(', ')}`);
  const rows = [
    {
      name: `whole platform (${cpu.seconds} s)`,
      measured: `${cpu.totalPercent} % of one core`,
      target: `≤ ${TARGETS.idleCpuPercent} %`,
      met: cpu.totalPercent <= TARGETS.idleCpuPercent,
    },
    ...breakdown.map(([name, e]) => ({ name: `  ${name}${e.processes > 1 ? ` (${e.processes} processes)` : ''}`, measured: `${e.percent} %` })),
  ];
  if (missing.length) rows.push({ name: 'not found', measured: missing.join(', ') });
  return { rows, json: { ...cpu, pids: roots, missing, settleSeconds: cfg.idleSettleS } };
}
