import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { ConfigValidationError, loadConfig, type ServiceConfig } from '@bp/platform';
import { BookingConfig } from '../apps/booking-svc/src/config/booking.config.js';
import { CalendarConfig } from '../apps/calendar-svc/src/config/calendar.config.js';
import { GatewayConfig } from '../apps/gateway/src/config/gateway.config.js';
import { NotificationConfig } from '../apps/notification-svc/src/config/notification.config.js';
import { PaymentConfig } from '../apps/payment-svc/src/config/payment.config.js';
import { SchedulerConfig } from '../apps/scheduler-svc/src/config/scheduler.config.js';

/**
 * docker-compose.yml and deploy/docker/Dockerfile, checked statically (no Docker needed): the stack
 * has every service and piece of infrastructure, each service's environment passes its own config
 * class, ports agree with services.json, and start-up waits on health.
 */

const root = new URL('..', import.meta.url);
const read = (path: string) => readFileSync(fileURLToPath(new URL(path, root)), 'utf8');
const exists = (path: string) => existsSync(fileURLToPath(new URL(path, root)));

interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string; args?: Record<string, string> };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null>;
  ports?: (string | number | Record<string, unknown>)[];
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: string | string[] };
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, ComposeService> };
const dockerfile = read('deploy/docker/Dockerfile');
const apps = (JSON.parse(read('services.json')) as { services: { name: string; port: number }[] }).services;

/** The config class each service validates its environment with (apps/<name>/src/config/). */
const configClasses: Record<string, new () => ServiceConfig> = {
  gateway: GatewayConfig,
  'booking-svc': BookingConfig,
  'payment-svc': PaymentConfig,
  'calendar-svc': CalendarConfig,
  'notification-svc': NotificationConfig,
  'scheduler-svc': SchedulerConfig,
};
const databaseServices = ['booking-svc', 'payment-svc', 'calendar-svc', 'notification-svc', 'scheduler-svc'];

/** Compose's variable substitution with nothing set on the host: `${X:-default}` → default. */
function interpolate(value: string): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/g, (match, _name, fallback) => (match === '$$' ? '$' : (fallback ?? '')));
}

/** The environment a service's container gets (entries without a value are passed from the host: unset here). */
function environmentOf(name: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(compose.services[name]?.environment ?? {})) {
    if (value !== null && value !== undefined) env[key] = interpolate(String(value));
  }
  return env;
}

/** What the config class cannot default: the variables it reports missing on an empty environment. */
function requiredVariables(configClass: new () => ServiceConfig): string[] {
  try {
    loadConfig('probe', configClass, {});
    return [];
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    return [...new Set(error.problems.map((problem) => problem.slice(0, problem.indexOf(':'))))].sort();
  }
}

/** The Dockerfile's stages, each as its lines (comments and line continuations resolved). */
function dockerStages(): { from: string; name?: string; lines: string[] }[] {
  const lines = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const stages: { from: string; name?: string; lines: string[] }[] = [];
  for (const line of lines) {
    const from = line.match(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i);
    if (from) stages.push({ from: from[1]!, name: from[2], lines: [] });
    else stages.at(-1)?.lines.push(line);
  }
  return stages;
}

const hostPorts = (service: ComposeService) => (service.ports ?? []).map((port) => (typeof port === 'object' ? port : interpolate(String(port))));
const dependencies = (service: ComposeService) => (Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {}));

describe('docker-compose.yml', () => {
  it('has the six services and the infrastructure', () => {
    expect(apps.map((a) => a.name).sort()).toEqual(Object.keys(configClasses).sort());
    for (const name of [...apps.map((a) => a.name), 'mongo', 'kafka', 'redis', 'stripe-mock']) {
      expect(compose.services).toHaveProperty([name]);
    }
  });

  it('runs MongoDB as a replica set whose healthcheck initiates it', () => {
    const mongo = compose.services['mongo']!;
    expect(mongo.image).toMatch(/^mongo:/);
    const command = [mongo.command ?? []].flat().join(' ');
    expect(command).toContain('--replSet rs0');
    const check = [mongo.healthcheck?.test ?? []].flat().join(' ');
    expect(check).toContain('rs.initiate');
    expect(check).toContain("_id:'rs0'");
    expect(check).toContain("host:'mongo:27017'");
  });

  it('runs Kafka 3.9 in KRaft combined mode, advertising the address the services use', () => {
    const kafka = compose.services['kafka']!;
    expect(kafka.image).toMatch(/^apache\/kafka:3\.9\./);
    const env = environmentOf('kafka');
    expect(env['KAFKA_PROCESS_ROLES']?.split(',').sort()).toEqual(['broker', 'controller']);
    expect(env['KAFKA_CONTROLLER_QUORUM_VOTERS']).toBe(`${env['KAFKA_NODE_ID']}@kafka:9093`);
    expect(env['KAFKA_ADVERTISED_LISTENERS']).toBe('PLAINTEXT://kafka:9092');
    for (const key of ['KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR', 'KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR', 'KAFKA_TRANSACTION_STATE_LOG_MIN_ISR']) {
      expect(env[key]).toBe('1');
    }
    expect([kafka.healthcheck?.test ?? []].flat().join(' ')).toContain('/opt/kafka/bin/kafka-broker-api-versions.sh');
    for (const app of apps) expect(environmentOf(app.name)['KAFKA_BROKERS']).toBe('kafka:9092');
  });

  it('has redis and stripe-mock with healthchecks', () => {
    expect(compose.services['redis']?.image).toMatch(/^redis:7/);
    expect([compose.services['redis']?.healthcheck?.test ?? []].flat().join(' ')).toContain('redis-cli ping');
    expect(compose.services['stripe-mock']?.image).toMatch(/^stripe\/stripe-mock:/);
    expect(compose.services['stripe-mock']?.healthcheck?.test).toBeDefined();
  });

  describe.each(apps)('$name', ({ name, port }) => {
    const service = compose.services[name]!;

    it('builds from deploy/docker/Dockerfile with SERVICE set to its name', () => {
      expect(service.build?.context ?? '.').toBe('.');
      expect(service.build?.dockerfile).toBe('deploy/docker/Dockerfile');
      expect(service.build?.args?.['SERVICE']).toBe(name);
      expect(exists(`apps/${name}/src/main.ts`)).toBe(true); // compiled to dist/apps/<name>/src/main.js
    });

    it("sets every variable its config class requires, and passes that class's validation", () => {
      const required = requiredVariables(configClasses[name]!);
      // Derived, so a new required setting needs no edit here; these guard the derivation itself.
      expect(required).toEqual(expect.arrayContaining(['INTERNAL_API_TOKEN', 'KAFKA_BROKERS']));
      if (databaseServices.includes(name)) expect(required).toContain('MONGO_URL');
      if (name === 'gateway') expect(required).toContain('JWT_SECRET');
      const env = environmentOf(name);
      for (const variable of required) expect(env).toHaveProperty([variable]);
      expect(() => loadConfig(name, configClasses[name]!, env)).not.toThrow();
    });

    it('listens on its services.json port', () => {
      expect(Number(environmentOf(name)['PORT'])).toBe(port);
      expect(new configClasses[name]!().PORT).toBe(port);
    });

    it('waits for what it depends on to be healthy', () => {
      expect(service.depends_on).toBeDefined();
      expect(Array.isArray(service.depends_on)).toBe(false);
      for (const [dependency, { condition }] of Object.entries(service.depends_on as Record<string, { condition?: string }>)) {
        expect({ dependency, condition }).toEqual({ dependency, condition: 'service_healthy' });
        // A dependency is healthy only if it has a healthcheck: its own in compose, or the image's.
        const target = compose.services[dependency];
        expect(target).toBeDefined();
        if (!apps.some((a) => a.name === dependency)) expect(target?.healthcheck?.test).toBeDefined();
      }
      expect(dependencies(service)).toContain('kafka');
    });

    it(name === 'gateway' ? 'alone publishes a host port, 3000:3000' : 'publishes no host port', () => {
      if (name === 'gateway') expect(hostPorts(service)).toEqual([`${port}:${port}`]);
      else expect(service.ports ?? []).toEqual([]);
    });
  });

  describe.each(databaseServices)('%s (owns a database)', (name) => {
    it('uses the replica set, its own database, and waits for MongoDB', () => {
      const env = environmentOf(name);
      expect(env['MONGO_URL']).toMatch(/^mongodb:\/\/mongo:27017\/.*[?&]replicaSet=rs0(&|$)/);
      expect(env['MONGO_DB']).toBe(name.replace(/-svc$/, ''));
      expect(dependencies(compose.services[name]!)).toEqual(expect.arrayContaining(['mongo', 'kafka']));
    });
  });

  it("points the gateway's service URLs at the compose services and waits for them", () => {
    const env = environmentOf('gateway');
    const urlKeys = Object.keys(new GatewayConfig()).filter((key) => key.endsWith('_SVC_URL'));
    expect(urlKeys).not.toHaveLength(0);
    for (const key of urlKeys) {
      const target = key.replace(/_URL$/, '').toLowerCase().replace(/_/g, '-');
      const port = apps.find((a) => a.name === target)?.port;
      expect(port).toBeDefined();
      expect(env[key]).toBe(`http://${target}:${port}`);
      expect(dependencies(compose.services['gateway']!)).toContain(target);
    }
  });
});

describe('deploy/docker/Dockerfile', () => {
  const stages = dockerStages();
  const final = stages.at(-1)!;

  it('builds on node:20-bookworm-slim: npm ci + build, then runtime dependencies only, NODE_ENV=production', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    expect(dockerfile).toMatch(/^ENV NODE_ENV=production$/m);
    const build = stages.find((s) => s.name === 'build')!;
    expect(build.lines.join('\n')).toMatch(/npm ci\b/);
    expect(build.lines.join('\n')).toContain('node scripts/build.mjs');
    expect(stages.some((s) => s.lines.some((l) => /npm ci\b.*--omit=dev.*--ignore-scripts/.test(l)))).toBe(true);
  });

  it('picks the service with the SERVICE build argument and runs it as node, with a liveness healthcheck', () => {
    expect(final.from).toBe('port-${SERVICE}');
    expect(final.lines).toContain('ARG SERVICE');
    expect(final.lines).toContain('USER node');
    const userAt = final.lines.indexOf('USER node');
    expect(final.lines.findIndex((l) => l.startsWith('CMD'))).toBeGreaterThan(userAt);
    expect(final.lines.find((l) => l.startsWith('HEALTHCHECK'))).toContain('/health/live');
    expect(final.lines.find((l) => l.startsWith('CMD'))).toMatch(/^CMD \[/); // exec form: node is PID 1
    expect(final.lines.join('\n')).toContain('apps/${SERVICE}/src/main.js');
  });

  it.each(apps)('gives $name its services.json port', ({ name, port }) => {
    const stage = stages.find((s) => s.name === `port-${name}`);
    expect(stage?.lines).toEqual(expect.arrayContaining([`ENV PORT=${port}`, `EXPOSE ${port}`]));
  });
});
