import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { alertRules, filesIn, repoRoot, ruleTestsDir, rulesDir, toolPath } from './support/observability-files.js';

const run = promisify(execFile);

interface RuleTestFile {
  rule_files: string[];
  tests: Array<{ name: string; alert_rule_test?: Array<{ alertname: string; exp_alerts: unknown[] }> }>;
}

/** promtool is a process of its own: seconds alone, longer beside other specs. */
const PROMTOOL_TIMEOUT_MS = 60_000;

/**
 * The alert rules shipped with the chart, checked and unit-tested by promtool (Prometheus from
 * Debian's package, obtained by scripts/tools), and held to the project's alert conventions.
 */
describe('Prometheus alert rules', () => {
  let promtool: string;

  beforeAll(async () => {
    promtool = await toolPath('promtool');
  }, 600_000);

  it(
    'pass promtool check rules',
    async () => {
      const { stdout } = await run(promtool, ['check', 'rules', ...filesIn(rulesDir, '.yml')]);
      expect(stdout).not.toMatch(/FAILED/);
    },
    PROMTOOL_TIMEOUT_MS,
  );

  it(
    'pass their promtool unit tests',
    async () => {
      const { stdout } = await run(promtool, ['test', 'rules', ...filesIn(ruleTestsDir, '.yml')], { cwd: ruleTestsDir });
      expect(stdout.match(/SUCCESS/g)).toHaveLength(filesIn(ruleTestsDir, '.yml').length);
    },
    PROMTOOL_TIMEOUT_MS,
  );

  it(
    'have unit tests that fail when a threshold changes',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'bp-rules-'));
      try {
        cpSync(rulesDir, join(dir, 'rules'), { recursive: true });
        cpSync(ruleTestsDir, join(dir, 'tests'), { recursive: true });
        const booking = join(dir, 'rules/booking.yml');
        writeFileSync(booking, readFileSync(booking, 'utf8').replace('[1h])) > 10', '[1h])) > 100'));
        await expect(run(promtool, ['test', 'rules', 'booking.test.yml'], { cwd: join(dir, 'tests') })).rejects.toMatchObject({
          stderr: expect.stringContaining('alertname: BookingRequestsExpiredHigh'),
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    PROMTOOL_TIMEOUT_MS,
  );

  it('each have a severity, a summary, a description and a runbook in the repo that says what to do', () => {
    const alerts = alertRules();
    expect(alerts.map((a) => a.alert).sort()).toEqual(
      [
        'ApiErrorRateHigh',
        'ApiLatencyHigh',
        'BookingHoldsRepaired',
        'BookingProviderResponseSlow',
        'BookingRequestsExpiredHigh',
        'BookingsNeedAdmin',
        'CronJobFailed',
        'CronJobStale',
        'GatewayRateLimitFallback',
        'KafkaConsumerLagHigh',
        'KafkaMessagesDeadLettered',
        'OutboxLagHigh',
        'PaymentDisputesOpen',
        'PaymentHoldsActiveAmountHigh',
        'PaymentHoldsExpiringSoon',
        'PaymentWebhookEventsParked',
        'ServiceDependencyDegraded',
        'SlotConversionLow',
      ].sort(),
    );
    for (const alert of alerts) {
      expect({ alert: alert.alert, severity: alert.labels?.severity }).toEqual({ alert: alert.alert, severity: expect.stringMatching(/^(warning|critical)$/) });
      expect(alert.annotations).toEqual({
        summary: expect.any(String),
        description: expect.any(String),
        runbook_url: expect.stringMatching(/^docs\/runbooks\/[a-z0-9-]+\.md$/),
      });
      const runbook = join(repoRoot, alert.annotations!['runbook_url']!);
      expect({ alert: alert.alert, runbook, exists: existsSync(runbook) }).toEqual({ alert: alert.alert, runbook, exists: true });
      const text = readFileSync(runbook, 'utf8');
      expect(text).toContain(`# ${alert.alert}`);
      for (const section of ['## What it means', '## Diagnose', '## Mitigate']) expect(text).toContain(section);
    }
  });

  it('each have at least one firing and one silent unit test case', () => {
    const cases = new Map<string, { firing: number; silent: number }>();
    for (const file of filesIn(ruleTestsDir, '.yml')) {
      const tests = parse(readFileSync(file, 'utf8')) as RuleTestFile;
      for (const ruleFile of tests.rule_files) expect(existsSync(join(ruleTestsDir, ruleFile))).toBe(true);
      for (const check of tests.tests.flatMap((t) => t.alert_rule_test ?? [])) {
        const seen = cases.get(check.alertname) ?? { firing: 0, silent: 0 };
        if (check.exp_alerts.length > 0) seen.firing++;
        else seen.silent++;
        cases.set(check.alertname, seen);
      }
    }
    for (const { alert } of alertRules()) {
      expect({ alert, cases: cases.get(alert!) }).toEqual({ alert, cases: { firing: expect.any(Number), silent: expect.any(Number) } });
      expect(cases.get(alert!)!.firing).toBeGreaterThan(0);
      expect(cases.get(alert!)!.silent).toBeGreaterThan(0);
    }
  });

  it('live apart from their tests, so the chart ships only rule groups', () => {
    for (const file of readdirSync(rulesDir).filter((name) => name.endsWith('.yml'))) {
      expect({ file, groups: Array.isArray((parse(readFileSync(join(rulesDir, file), 'utf8')) as { groups?: unknown }).groups) }).toEqual({
        file,
        groups: true,
      });
    }
    expect(filesIn(ruleTestsDir, '.yml').map((f) => basename(f))).toEqual(filesIn(rulesDir, '.yml').map((f) => basename(f).replace(/\.yml$/, '.test.yml')));
  });
});
