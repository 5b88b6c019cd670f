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
  build?: { context?: string; dockerfile?: string; target?: string };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null>;
  ports?: (string | number | Record<string, unknown>)[];
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: string | string[] };
  volumes?: string[];
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

    it("builds deploy/docker/Dockerfile's target named after it", () => {
      expect(service.build?.context ?? '.').toBe('.');
      expect(service.build?.dockerfile).toBe('deploy/docker/Dockerfile');
      expect(service.build?.target).toBe(name);
      expect(dockerfile).toMatch(new RegExp(`^FROM runtime AS ${name}$`, 'm'));
    });

    it('is healthy once ready (the image has no HEALTHCHECK of its own)', () => {
      const check = [service.healthcheck?.test ?? []].flat().join(' ');
      expect(check).toContain("process.env.PORT + '/health/ready'");
    });

    it("sets every variable its config class requires, and passes that class's validation", () => {
      const required = requiredVariables(configClasses[name]!);
      // Derived, so a new required setting needs no edit here; these guard the derivation itself.
      expect(required).toEqual(expect.arrayContaining(['KAFKA_BROKERS']));
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
        // A dependency is healthy only if it has a healthcheck (the images have none of their own).
        const target = compose.services[dependency];
        expect(target).toBeDefined();
        expect(target?.healthcheck?.test).toBeDefined();
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

  // Every <SERVICE>_SVC_URL a config class reads is a call to that service.
  it.each(apps.map((a) => a.name))("points %s's service URLs at the compose services and waits for them", (name) => {
    const env = environmentOf(name);
    const urlKeys = Object.keys(new configClasses[name]!()).filter((key) => key.endsWith('_SVC_URL'));
    for (const key of urlKeys) {
      const target = key.replace(/_URL$/, '').toLowerCase().replace(/_/g, '-');
      const port = apps.find((a) => a.name === target)?.port;
      expect(port).toBeDefined();
      expect(env[key]).toBe(`http://${target}:${port}`);
      expect(dependencies(compose.services[name]!)).toContain(target);
    }
  });
});

describe('docker-compose.yml observability', () => {
  const chartFiles = 'deploy/helm/booking-platform/files';
  /** The container path a host path (relative to the repository) is mounted at, read-only. */
  const mountOf = (service: string, hostPath: string) => {
    const volume = (compose.services[service]?.volumes ?? []).find((v) => v.startsWith(`./${hostPath}:`));
    expect(volume).toMatch(/:ro$/);
    return volume!.split(':')[1]!;
  };
  const prometheusConfig = parse(read('deploy/prometheus/prometheus.yml')) as {
    rule_files: string[];
    scrape_configs: { job_name: string; metrics_path?: string; honor_labels?: boolean; static_configs: { targets: string[] }[] }[];
  };

  it('runs Prometheus with the scrape config and the chart’s alert rules', () => {
    expect(compose.services['prometheus']?.image).toMatch(/^prom\/prometheus:v3\./);
    expect(mountOf('prometheus', 'deploy/prometheus/prometheus.yml')).toBe('/etc/prometheus/prometheus.yml');
    const rules = mountOf('prometheus', `${chartFiles}/prometheus/rules`);
    expect(prometheusConfig.rule_files).toEqual([`${rules}/*.yml`]);
    expect(exists(`${chartFiles}/prometheus/rules`)).toBe(true);
    expect(compose.services['prometheus']?.healthcheck?.test).toBeDefined();
  });

  it.each(apps)('scrapes $name at its port as job $name', ({ name, port }) => {
    const job = prometheusConfig.scrape_configs.find((c) => c.job_name === name);
    expect(job?.metrics_path ?? '/metrics').toBe('/metrics');
    expect(job?.honor_labels).toBe(true); // the scheduler's job metrics keep their own `job` label
    expect(job?.static_configs.flatMap((c) => c.targets)).toEqual([`${name}:${port}`]);
  });

  it('runs Grafana provisioned with Prometheus as data source and the chart’s dashboards', () => {
    expect(compose.services['grafana']?.image).toMatch(/^grafana\/grafana:/);
    expect(mountOf('grafana', 'deploy/grafana/provisioning')).toBe('/etc/grafana/provisioning');
    const dashboards = mountOf('grafana', `${chartFiles}/grafana/dashboards`);
    const datasources = parse(read('deploy/grafana/provisioning/datasources/prometheus.yml')) as { datasources: { type: string; url: string; uid: string }[] };
    expect(datasources.datasources).toEqual([expect.objectContaining({ type: 'prometheus', uid: 'prometheus', url: 'http://prometheus:9090' })]);
    const providers = parse(read('deploy/grafana/provisioning/dashboards/booking-platform.yml')) as {
      providers: { type: string; options: { path: string } }[];
    };
    expect(providers.providers).toEqual([expect.objectContaining({ type: 'file', options: expect.objectContaining({ path: dashboards }) })]);
    expect(Object.keys(compose.services['grafana']?.depends_on ?? {})).toEqual(['prometheus']);
  });
});

describe('deploy/docker/Dockerfile', () => {
  const stages = dockerStages();
  const stage = (name: string) => stages.find((s) => s.name === name);
  /** A stage's lines preceded by those of the stages it is built FROM (what is in effect in it). */
  const chain = (name: string): string[] => {
    const own = stage(name);
    if (!own) return [];
    return [...chain(own.from), ...own.lines];
  };

  it('builds on the Node line .nvmrc pins (node:<major>-bookworm-slim): npm ci + build, then runtime dependencies only, NODE_ENV=production', () => {
    const major = read('.nvmrc').trim().split('.')[0];
    expect(dockerfile).toMatch(new RegExp(`^ARG NODE_IMAGE=node:${major}-bookworm-slim$`, 'm'));
    expect(JSON.parse(read('package.json')).engines.node).toBe(`>=${read('.nvmrc').trim().split('.').slice(0, 2).join('.')}`);
    expect(stage('runtime')?.lines.find((l) => l.startsWith('ENV'))).toMatch(/^ENV NODE_ENV=production\s+TMPDIR=\/tmp$/);
    const build = stage('build')!;
    expect(build.lines.join('\n')).toMatch(/npm ci\b/);
    expect(build.lines.join('\n')).toContain('node scripts/build.mjs');
    expect(stage('deps')?.lines.some((l) => /npm ci\b.*--omit=dev.*--ignore-scripts/.test(l))).toBe(true);
    expect(stage('runtime')?.lines).toEqual(expect.arrayContaining(['COPY --from=deps /app/node_modules ./node_modules']));
    // Nothing of the full install (dev dependencies, sources) reaches an image but the compiled output.
    const runtimeCopies = stages.filter((s) => !['build', 'deps'].includes(s.name ?? '')).flatMap((s) => s.lines.filter((l) => l.startsWith('COPY')));
    for (const copy of runtimeCopies) expect(copy).toMatch(/^COPY --from=(deps \/app\/(node_modules|package\.json)|build \/app\/dist\/)/);
  });

  it('has exactly one final stage per service, each built on the shared runtime', () => {
    const finals = stages.filter((s) => s.from === 'runtime').map((s) => s.name);
    expect(finals.sort()).toEqual(apps.map((a) => a.name).sort());
  });

  it('leaves health to the orchestrator and declares no volume (read-only root friendly)', () => {
    for (const s of stages) {
      expect(s.lines.filter((l) => /^(HEALTHCHECK|VOLUME)\b/.test(l))).toEqual([]);
    }
  });

  describe.each(apps)('target $name', ({ name, port }) => {
    const lines = chain(name);

    it('runs as a numeric non-root user', () => {
      const user = lines.filter((l) => l.startsWith('USER')).at(-1);
      expect(user).toMatch(/^USER [0-9]+(:[0-9]+)?$/);
      expect(Number(user!.slice(5).split(':')[0])).toBeGreaterThan(0);
    });

    it('starts its own compiled main with node as PID 1 (exec form)', () => {
      const cmd = stage(name)!.lines.filter((l) => l.startsWith('CMD'));
      expect(cmd).toHaveLength(1);
      expect(JSON.parse(cmd[0]!.slice(4))).toEqual(['node', '--enable-source-maps', `dist/apps/${name}/src/main.js`]);
      expect(lines.some((l) => l.startsWith('ENTRYPOINT'))).toBe(false);
      expect(exists(`apps/${name}/src/main.ts`)).toBe(true); // compiled to dist/apps/<name>/src/main.js
    });

    it('carries only its own compiled code besides the shared libraries (the gateway also the portal it serves)', () => {
      const appCopies = lines.filter((l) => l.startsWith('COPY --from=build /app/dist/apps/'));
      const own = [`COPY --from=build /app/dist/apps/${name} ./dist/apps/${name}`];
      expect(appCopies).toEqual(name === 'gateway' ? [...own, 'COPY --from=build /app/dist/apps/portal ./dist/apps/portal'] : own);
    });

    it('has its services.json port', () => {
      expect(stage(name)?.lines).toEqual(expect.arrayContaining([`ENV PORT=${port}`, `EXPOSE ${port}`]));
    });
  });
});
