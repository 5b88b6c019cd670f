import { Topics } from '@bp/contracts';
import { testKafka, waitFor } from '@bp/testing';
import { ruleGroups } from '../deploy/support/observability-files.js';
import { type PrometheusServer, startPrometheus } from './support/prometheus-server.js';
import { SERVICE_NAMES, type TestPlatform, startPlatform } from './support/test-platform.js';

interface RuleGroupState {
  name: string;
  rules: Array<{ name: string; type: 'alerting' | 'recording'; health: string; lastError?: string; state?: string }>;
}

/**
 * A real Prometheus scrapes the six running services and evaluates the chart's rules: every target
 * is up, every rule group is loaded and healthy, recording rules produce series, and a dead letter the
 * test causes fires KafkaMessagesDeadLettered for the service, topic and reason it happened in.
 */
describe('Prometheus on the running platform', () => {
  let platform: TestPlatform;
  let prometheus: PrometheusServer;

  beforeAll(async () => {
    // New groups start at the end of each topic: history left by other tests dead-letters nothing here.
    const fromNowOn = { KAFKA_FROM_BEGINNING: 'false' };
    platform = await startPlatform(SERVICE_NAMES, { portOffset: 330, env: Object.fromEntries(SERVICE_NAMES.map((name) => [name, fromNowOn])) });
    prometheus = await startPrometheus(Object.fromEntries(SERVICE_NAMES.map((name) => [name, platform.url(name)])));
  }, 600_000);

  afterAll(async () => {
    await prometheus?.stop();
    await platform?.stop();
  }, 60_000);

  it('scrapes every service', async () => {
    const up = await waitFor(
      async () => {
        const series = await prometheus.query('up == 1');
        return series.length === SERVICE_NAMES.length ? series : undefined;
      },
      30_000,
      () => 'every target to be up',
    );
    expect(up.map((s) => s.metric['job']).sort()).toEqual([...SERVICE_NAMES].sort());
    const services = await prometheus.query('count by (service) (process_start_time_seconds)');
    expect(services.map((s) => s.metric['service']).sort()).toEqual([...SERVICE_NAMES].sort());
  }, 60_000);

  it('loads every rule group from the chart and evaluates each rule without error', async () => {
    const expected = ruleGroups();
    const groups = await waitFor(
      async () => {
        const { groups } = await prometheus.api<{ groups: RuleGroupState[] }>('/api/v1/rules');
        return groups.length === expected.length && groups.every((g) => g.rules.every((r) => r.health === 'ok')) ? groups : undefined;
      },
      30_000,
      () => 'every rule evaluated',
    );
    expect(groups.map((g) => g.name).sort()).toEqual(expected.map((g) => g.name).sort());
    expect(groups.flatMap((g) => g.rules).filter((r) => r.lastError)).toEqual([]);
    const limits = await prometheus.query('scheduler_job:freshness_limit:seconds');
    expect(limits.map((s) => s.metric['job']).sort()).toEqual(['calendar-sync-retry', 'cleanup', 'expire-deadlines', 'payment-hold-monitor', 'provider-stats']);
  }, 60_000);

  it('fires KafkaMessagesDeadLettered when a service dead-letters a message', async () => {
    const labels = `service="payment-svc",topic="${Topics.paymentCommands}",reason="unparseable"`;
    // The zero series declared at startup is scraped first, so the alert sees the increase.
    await waitFor(
      async () => (await prometheus.query(`kafka_messages_dead_lettered_total{${labels}}`)).length === 1,
      30_000,
      () => 'the zero dead-letter series',
    );
    const before = await prometheus.query(`ALERTS{alertname="KafkaMessagesDeadLettered",${labels}}`);
    expect(before).toEqual([]);

    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({ topic: Topics.paymentCommands, messages: [{ key: `observability-${platform.suffix}`, value: 'this is not a message' }] });
    await producer.disconnect();

    const firing = await waitFor(
      async () => {
        const alerts = await prometheus.query(`ALERTS{alertname="KafkaMessagesDeadLettered",alertstate="firing",${labels}}`);
        return alerts.length > 0 ? alerts : undefined;
      },
      60_000,
      () => 'KafkaMessagesDeadLettered to fire',
    );
    expect((await prometheus.query(`kafka_messages_dead_lettered_total{${labels}}`))[0]!.value[1]).toBe('1');
    expect(firing[0]!.metric).toMatchObject({ severity: 'warning', service: 'payment-svc', topic: Topics.paymentCommands, reason: 'unparseable' });
  }, 90_000);
});
