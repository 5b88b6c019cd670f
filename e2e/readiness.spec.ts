import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mongoose from 'mongoose';
import { Topics } from '@bp/contracts';
import { buildMessage } from '@bp/messaging';
import { infraEnv, publishMessage, type RunningService, startService, testKafka, uniqueSuffix, waitFor, workspaceRoot } from '@bp/testing';

const run = promisify(execFile);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function health(service: RunningService, probe: 'live' | 'ready') {
  const response = await fetch(`${service.url}/health/${probe}`);
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/**
 * A Kafka broker of its own (another INFRA_HOME and ports, started by the same scripts/infra), so
 * stopping it does not disturb the shared one the other tests use.
 */
describe('a Kafka outage degrades a service without taking it out of service', () => {
  const suffix = uniqueSuffix();
  const home = join(tmpdir(), `bp-kafka-${suffix}`);
  let kafkaEnv: NodeJS.ProcessEnv;
  let brokers: string;
  let service: RunningService;

  const infra = (command: 'up' | 'down') => run(join(workspaceRoot, 'scripts/infra'), [command, 'kafka'], { env: kafkaEnv, timeout: 120_000 });

  beforeAll(async () => {
    const [port, controllerPort] = [await freePort(), await freePort()];
    kafkaEnv = { ...process.env, INFRA_HOME: home, KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(controllerPort) };
    brokers = `127.0.0.1:${port}`;
    await infra('up');
    // Two services subscribing to the same topics start at once on a cluster that has none yet.
    const [scheduler, notification] = await Promise.all([
      startService(
        'scheduler-svc',
        await freePort(),
        { KAFKA_BROKERS: brokers, MONGO_DB: `scheduler_${suffix}`, KAFKA_GROUP_ID: `scheduler-svc-${suffix}` },
        90_000,
      ),
      startService(
        'notification-svc',
        await freePort(),
        { KAFKA_BROKERS: brokers, MONGO_DB: `notification_${suffix}`, KAFKA_GROUP_ID: `notification-svc-${suffix}` },
        90_000,
      ),
    ]);
    service = scheduler;
    await notification.stop();
  }, 180_000);

  afterAll(async () => {
    await service?.stop('SIGKILL');
    await infra('down').catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
  }, 60_000);

  it('stays ready while Kafka is down, reporting it degraded (answer and gauge), and consumes again when Kafka returns', async () => {
    expect((await health(service, 'ready')).status).toBe(200);

    await infra('down');
    const degraded = await waitFor(
      async () => {
        const ready = await health(service, 'ready');
        return ready.body['degraded']?.['kafka'] ? ready : undefined;
      },
      45_000,
      () => 'readiness to report Kafka down',
    );
    expect(degraded.status).toBe(200);
    expect(await health(service, 'live')).toMatchObject({ status: 200 });
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/^service_dependency_degraded\{[^}]*dependency="kafka"[^}]*\} 1$/m);

    await infra('up');
    await waitFor(
      async () => {
        const ready = await health(service, 'ready');
        return ready.status === 200 && !ready.body['degraded'];
      },
      120_000,
      () => `the degradation to clear:\n${service.output().slice(-3000)}`,
    );

    // And it consumes again: an event sent now becomes a timer.
    const producer = testKafka(brokers).producer();
    await producer.connect();
    const reservationId = `res-${suffix}`;
    const at = new Date(Date.now() + 600_000).toISOString();
    const event = buildMessage(
      Topics.bookingEvents,
      'SlotReserved',
      { reservationId, providerId: 'p', patientId: 'u', serviceId: 's', startTime: at, endTime: at, expiresAt: at },
      { id: reservationId, version: 1 },
    );
    await publishMessage(producer, event);
    await producer.disconnect();
    await waitFor(
      () => timerExists(reservationId),
      30_000,
      () => 'the timer after recovery',
    );
  }, 300_000);

  async function timerExists(reservationId: string): Promise<boolean> {
    const client = await new mongoose.mongo.MongoClient(infraEnv().MONGO_URL).connect();
    try {
      return (await client.db(`scheduler_${suffix}`).collection('timers').countDocuments({ subjectId: reservationId })) === 1;
    } finally {
      await client.close();
    }
  }
});
