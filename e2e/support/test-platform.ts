import mongoose from 'mongoose';
import { type RunningService, infraEnv, startService, uniqueSuffix } from '@bp/testing';

export const SERVICE_NAMES = ['gateway', 'booking-svc', 'payment-svc', 'calendar-svc', 'notification-svc', 'scheduler-svc'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Test ports sit away from the 3000–3005 of a developer's running platform. */
/** Where the services of e2e runs listen (plus each spec's offset); E2E_PORT_BASE moves a second checkout's runs out of the way. */
const TEST_PORT_BASE = Number(process.env['E2E_PORT_BASE'] ?? 4100);

export interface TestPlatform {
  suffix: string;
  services: Partial<Record<ServiceName, RunningService>>;
  url(name: ServiceName): string;
  /** The database a service of this platform uses: its own, named for this run. */
  database(name: Exclude<ServiceName, 'gateway'>): string;
  /** The consumer group (and so the dead-letter topic prefix) a service of this platform uses. */
  group(name: ServiceName): string;
  mongo: mongoose.mongo.MongoClient;
  /** Stops one service and starts it again with the same settings: a crash and restart, as far as its memory goes. */
  restart(name: ServiceName): Promise<void>;
  stop(): Promise<void>;
}

export interface PlatformOptions {
  /** Names this run's databases and groups; pass one to prepare a database before the services start. */
  suffix?: string;
  portOffset?: number;
  env?: Partial<Record<ServiceName, Record<string, string>>>;
}

export function portOf(name: ServiceName, offset = 0): number {
  return TEST_PORT_BASE + offset + SERVICE_NAMES.indexOf(name);
}

/** Lines of each service's log printed when a test of the file failed: what CI shows of a wait that ran out. */
const LOG_TAIL_LINES = 40;

/** An access-log line of a request answered 2xx or 3xx: a test polling a booking writes little else, and would fill the tail. */
const answeredFine = (line: string) => line.includes('"message":"request completed"') && /"statusCode":[23]\d\d/.test(line);

function printLogTails(services: TestPlatform['services']): void {
  for (const service of Object.values(services)) {
    const lines = service.output().trimEnd().split('\n');
    const kept = lines.filter((line) => !answeredFine(line));
    const tail = kept.slice(-LOG_TAIL_LINES).map((line) => line.slice(0, 400));
    const skipped = lines.length - kept.length;
    console.error(
      `${service.name}'s last ${tail.length} log lines but answered requests (${skipped} of those left out; a test of this file failed):\n${tail.join('\n')}`,
    );
  }
}

/**
 * Starts real service processes from dist/ on the real infrastructure, isolated from any other run:
 * each gets its own database and consumer group, named with a suffix unique to this run.
 */
export async function startPlatform(names: readonly ServiceName[], options: PlatformOptions = {}): Promise<TestPlatform> {
  const suffix = options.suffix ?? uniqueSuffix();
  const offset = options.portOffset ?? 0;
  const database = (name: ServiceName) => `${name.replace(/-svc$/, '')}_${suffix}`;
  const group = (name: ServiceName) => `${name}-${suffix}`;
  const envFor = (name: ServiceName): Record<string, string> => ({
    MONGO_DB: database(name),
    KAFKA_GROUP_ID: group(name),
    BOOKING_SVC_URL: `http://127.0.0.1:${portOf('booking-svc', offset)}`,
    PAYMENT_SVC_URL: `http://127.0.0.1:${portOf('payment-svc', offset)}`,
    CALENDAR_SVC_URL: `http://127.0.0.1:${portOf('calendar-svc', offset)}`,
    NOTIFICATION_SVC_URL: `http://127.0.0.1:${portOf('notification-svc', offset)}`,
    ...options.env?.[name],
  });
  const mongo = await new mongoose.mongo.MongoClient(infraEnv().MONGO_URL).connect();
  const services: TestPlatform['services'] = {};
  const started = await Promise.allSettled(names.map(async (name) => (services[name] = await startService(name, portOf(name, offset), envFor(name)))));
  const platform: TestPlatform = {
    suffix,
    services,
    url: (name) => `http://127.0.0.1:${portOf(name, offset)}`,
    database,
    group,
    mongo,
    restart: async (name) => {
      await services[name]?.stop();
      services[name] = await startService(name, portOf(name, offset), envFor(name));
    },
    stop: async () => {
      await Promise.all(Object.values(services).map((service) => service.stop()));
      if ((globalThis as { testFailed?: boolean }).testFailed) printLogTails(services);
      for (const name of names)
        if (name !== 'gateway')
          await mongo
            .db(database(name))
            .dropDatabase()
            .catch(() => undefined);
      await mongo.close();
    },
  };
  const failure = started.find((result) => result.status === 'rejected');
  if (failure) {
    await platform.stop();
    throw (failure as PromiseRejectedResult).reason;
  }
  return platform;
}
