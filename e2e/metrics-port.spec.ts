import { createServer } from 'node:net';
import { type RunningService, startService, uniqueSuffix } from '@bp/testing';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * With METRICS_PORT (as the chart sets it) a service serves /metrics there and nothing else, and no
 * longer on its own port: the NetworkPolicy can then give Prometheus the metrics and none of the API.
 */
describe('metrics on their own port', () => {
  const suffix = uniqueSuffix();
  let service: RunningService;
  let metricsPort: number;

  beforeAll(async () => {
    metricsPort = await freePort();
    service = await startService('notification-svc', await freePort(), {
      METRICS_PORT: String(metricsPort),
      MONGO_DB: `notification_metrics_${suffix}`,
      KAFKA_GROUP_ID: `notification-svc-metrics-${suffix}`,
      KAFKA_FROM_BEGINNING: 'false',
    });
  }, 90_000);

  afterAll(async () => {
    await service?.stop();
  }, 30_000);

  it('serves /metrics on the metrics port only, and nothing but /metrics there', async () => {
    const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(await metrics.text()).toMatch(/^process_cpu_user_seconds_total\{[^}]*service="notification-svc"/m);

    for (const path of ['/health/ready', '/internal/notification-preferences/me', '/'])
      expect({ path, status: (await fetch(`http://127.0.0.1:${metricsPort}${path}`)).status }).toEqual({ path, status: 404 });
    expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { method: 'POST' })).status).toBe(404);

    expect((await fetch(`${service.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${service.url}/health/ready`)).status).toBe(200);
  });
});
