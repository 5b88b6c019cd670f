import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';

/** The alert rules, their promtool tests, the Grafana dashboards and the runbooks, as files in the repo. */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const chartFiles = join(repoRoot, 'deploy/helm/booking-platform/files');
export const rulesDir = join(chartFiles, 'prometheus/rules');
export const ruleTestsDir = join(chartFiles, 'prometheus/tests');
export const dashboardsDir = join(chartFiles, 'grafana/dashboards');

const run = promisify(execFile);

export const filesIn = (dir: string, ext: string) =>
  readdirSync(dir)
    .filter((name) => name.endsWith(ext))
    .sort()
    .map((name) => join(dir, name));

export interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function ruleGroups(): Array<{ file: string; name: string; rules: Rule[] }> {
  return filesIn(rulesDir, '.yml').flatMap((file) =>
    (parse(readFileSync(file, 'utf8')) as { groups: Array<{ name: string; rules: Rule[] }> }).groups.map((g) => ({ file, ...g })),
  );
}

export const alertRules = () => ruleGroups().flatMap((g) => g.rules.filter((r) => r.alert));
export const recordedNames = () => new Set(ruleGroups().flatMap((g) => g.rules.flatMap((r) => (r.record ? [r.record] : []))));

/** The path of a tool from scripts/tools (installed from Debian's packages on first use). */
export async function toolPath(tool: 'prometheus' | 'promtool'): Promise<string> {
  const { stdout } = await run(join(repoRoot, 'scripts/tools'), ['path', tool], { timeout: 600_000 });
  return stdout.trim();
}

/**
 * The metric names a PromQL expression reads: identifiers not followed by `(` (functions), not
 * keywords or label names inside `{}` / `by (...)`, not string contents or durations.
 */
export function metricNamesIn(expr: string): string[] {
  const cleaned = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\$\w+/g, '');
  const keywords = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan']);
  const names = [...cleaned.matchAll(/(?<![\w:.])([a-zA-Z_:][\w:]*)(?![\w:]|\s*\()/g)].map((m) => m[1]!).filter((n) => !keywords.has(n.toLowerCase()));
  return [...new Set(names)];
}
