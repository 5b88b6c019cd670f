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
import { internalCall } from './support/internal-api.js';

const run = promisify(execFile);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function health(service: RunningService, probe: 'live' | 'ready' | 'ready?strict=true') {
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
        { readyTimeoutMs: 90_000 },
      ),
      startService(
        'notification-svc',
        await freePort(),
        { KAFKA_BROKERS: brokers, MONGO_DB: `notification_${suffix}`, KAFKA_GROUP_ID: `notification-svc-${suffix}` },
        { readyTimeoutMs: 90_000 },
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
    // Strict readiness (what `npm start` and the test harness wait for) counts a degraded dependency as not ready.
    expect(await health(service, 'ready?strict=true')).toMatchObject({
      status: 503,
      body: { error: { code: 'NOT_READY', details: { degraded: { kafka: expect.anything() } } } },
    });
    expect(await health(service, 'live')).toMatchObject({ status: 200 });
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/^service_dependency_degraded\{[^}]*dependency="kafka"[^}]*\} 1$/m);

    await infra('up');
    let last: unknown;
    await waitFor(
      async () => {
        const ready = await health(service, 'ready');
        last = ready.body;
        return ready.status === 200 && !ready.body['degraded'];
      },
      120_000,
      () => `the degradation to clear (last answer ${JSON.stringify(last)}):\n${service.output().slice(-3000)}`,
    );
    expect((await health(service, 'ready?strict=true')).status).toBe(200);

    // And it consumes again: an event sent now becomes a timer (a request waiting for its provider: its deadline).
    const producer = testKafka(brokers).producer();
    await producer.connect();
    const bookingId = `booking-${suffix}`;
    const start = new Date(Date.now() + 2 * 86_400_000);
    const event = buildMessage(
      Topics.bookingEvents,
      'BookingStatusChanged',
      {
        bookingId,
        bookingNumber: 'FH-20300101-AAAAA',
        patientId: 'u',
        providerId: 'p',
        bookingType: 'request',
        status: 'pending_confirmation',
        reason: 'payment_hold_placed',
        startTime: start.toISOString(),
        endTime: new Date(start.getTime() + 1_800_000).toISOString(),
        providerTimezone: 'UTC',
        patientTimezone: 'UTC',
        deadline: new Date(Date.now() + 600_000).toISOString(),
        priceCents: 10_000,
        currency: 'usd',
      },
      { id: bookingId, version: 1 },
    );
    await publishMessage(producer, event);
    await producer.disconnect();
    await waitFor(
      () => timerExists(bookingId),
      30_000,
      () => 'the timer after recovery',
    );
  }, 300_000);

  it('starts while Kafka is down and serves, honouring the kill switch it last read, then consumes once Kafka returns', async () => {
    const env = { KAFKA_BROKERS: brokers, MONGO_DB: `booking_${suffix}`, KAFKA_GROUP_ID: `booking-svc-${suffix}` };
    const patient = { type: 'patient' as const, id: `patient-${suffix}` };
    const reserve = (booking: RunningService) =>
      internalCall(booking.url, 'POST', '/internal/reservations', patient, {
        providerId: `provider-${suffix}`,
        serviceId: 'consultation',
        startTime: new Date(Date.now() + 86_400_000).toISOString(),
      });

    // With Kafka up, the all-bookings kill switch is set and this service reads it.
    const first = await startService('booking-svc', await freePort(), env, { readyTimeoutMs: 90_000 });
    const producer = testKafka(brokers).producer();
    await producer.connect();
    const killSwitch = { name: 'booking.disable_all_bookings' as const, enabled: true };
    await publishMessage(producer, buildMessage(Topics.featureFlags, 'FeatureFlagChanged', killSwitch, { id: killSwitch.name, version: 1 }));
    await producer.disconnect();
    await waitFor(
      async () => (await reserve(first)).body.error?.code === 'BOOKINGS_DISABLED',
      30_000,
      () => 'the kill switch to reach booking-svc',
    );
    await first.stop();

    await infra('down');
    const booking = await startService('booking-svc', await freePort(), env, { readyTimeoutMs: 90_000, allowDegraded: true });
    try {
      const ready = await health(booking, 'ready');
      expect(ready.status).toBe(200);
      expect(ready.body['degraded']).toHaveProperty('kafka');
      expect(ready.body['degraded']).toHaveProperty('kafka-consumer');
      expect(JSON.stringify(ready.body)).toContain('last-known');
      // It serves: the kill switch it read before the restart still holds, and reads answer.
      expect(await reserve(booking)).toMatchObject({ status: 503, body: { error: { code: 'BOOKINGS_DISABLED' } } });
      expect((await internalCall(booking.url, 'GET', `/internal/bookings/missing-${suffix}`, patient)).status).toBe(404);

      await infra('up');
      await waitFor(
        async () => {
          const now = await health(booking, 'ready');
          return now.status === 200 && !now.body['degraded'] && !JSON.stringify(now.body).includes('last-known');
        },
        120_000,
        () => `the consumer to start and the flags to be read from their topic:\n${booking.output().slice(-3000)}`,
      );
      expect(await reserve(booking)).toMatchObject({ status: 503, body: { error: { code: 'BOOKINGS_DISABLED' } } });
    } finally {
      await booking.stop('SIGKILL');
    }
  }, 300_000);

  async function timerExists(subjectId: string): Promise<boolean> {
    const client = await new mongoose.mongo.MongoClient(infraEnv().MONGO_URL).connect();
    try {
      return (await client.db(`scheduler_${suffix}`).collection('timers').countDocuments({ subjectId })) === 1;
    } finally {
      await client.close();
    }
  }
});
