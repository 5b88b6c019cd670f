import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse, parseAllDocuments } from 'yaml';
import { KAFKA_SASL_MECHANISMS, loadConfig, type ServiceConfig } from '@bp/platform';
import { BookingConfig } from '../apps/booking-svc/src/config/booking.config.js';
import { CalendarConfig } from '../apps/calendar-svc/src/config/calendar.config.js';
import { GatewayConfig } from '../apps/gateway/src/config/gateway.config.js';
import { NotificationConfig } from '../apps/notification-svc/src/config/notification.config.js';
import { PaymentConfig } from '../apps/payment-svc/src/config/payment.config.js';
import { SchedulerConfig } from '../apps/scheduler-svc/src/config/scheduler.config.js';

/**
 * deploy/helm/booking-platform, with the real helm (built by scripts/tools on first use): lint
 * --strict, render with the default and the production values, validate every rendered object
 * against the Kubernetes schemas offline (kubernetes-models, and the Prometheus Operator's for
 * ServiceMonitor/PrometheusRule), and check what the chart promises: probes on the health endpoints,
 * the locked-down security context, default-deny network policies with explicit allows, settings
 * each service's own config class accepts, migration hooks, and a schema that refuses unknown keys.
 */

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const chart = join(root, 'deploy/helm/booking-platform');
const productionValues = join(chart, 'values-production.yaml');
const apps = (JSON.parse(readFileSync(join(root, 'services.json'), 'utf8')) as { services: { name: string; port: number }[] }).services;
const configClasses: Record<string, new () => ServiceConfig> = {
  gateway: GatewayConfig,
  'booking-svc': BookingConfig,
  'payment-svc': PaymentConfig,
  'calendar-svc': CalendarConfig,
  'notification-svc': NotificationConfig,
  'scheduler-svc': SchedulerConfig,
};
const databaseServices = apps.map((a) => a.name).filter((name) => name !== 'gateway');
const release = 'bp';
const fullname = `${release}-booking-platform`;
/** Public keys for the chart's internalAuth (any Ed25519 SPKI in base64; these are made up for the tests). */
const KEY = {
  gateway: 'MCowBQYDK2VwAyEAEdCQTI5YL//PxmrL49wtHQ/fnafTM0Id8wLGQY9Iy+E=',
  booking: 'MCowBQYDK2VwAyEAs0Pp2r5Xh8l1q6rM7mE3vYJQm4Zr1u2eF8kP9tW0aBc=',
};
const callerKeys = ['--set', `internalAuth.publicKeys.gateway=${KEY.gateway}`, '--set', `internalAuth.publicKeys.booking-svc=${KEY.booking}`];

// ---- the rendered objects, loosely typed (their shape is what kubernetes-models validates) ----------
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}
type Rendered = { objects: K8sObject[]; find: (kind: string, name: string) => K8sObject; all: (kind: string) => K8sObject[] };

let helm: string;

async function helmRun(args: string[]) {
  return run(helm, args, { cwd: root, timeout: 120_000, maxBuffer: 32 * 1024 * 1024 });
}

async function render(args: string[] = []): Promise<Rendered> {
  const { stdout } = await helmRun(['template', release, chart, '--namespace', 'booking', ...args]);
  const objects = parseAllDocuments(stdout)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
  const all = (kind: string) => objects.filter((o) => o.kind === kind);
  const find = (kind: string, name: string) => {
    const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (!found) throw new Error(`no ${kind} ${name} rendered`);
    return found;
  };
  return { objects, find, all };
}

/** Why `helm template` refused (its stderr), or a failure when it did not. */
async function renderError(args: string[]): Promise<string> {
  try {
    await helmRun(['template', release, chart, ...args]);
  } catch (error) {
    return (error as { stderr: string }).stderr;
  }
  throw new Error(`helm template ${args.join(' ')} succeeded`);
}

/** The kubernetes-models class for an object's apiVersion and kind (core, apps, …; Prometheus Operator). */
async function modelOf(object: K8sObject): Promise<new (data: unknown) => { validate(): void }> {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
  const path =
    group === 'monitoring.coreos.com'
      ? `@kubernetes-models/prometheus-operator/${group}/${version}/${object.kind}`
      : `kubernetes-models/${group ? `${group}/` : ''}${version}/${object.kind}`;
  const module = (await import(path)) as Record<string, new (data: unknown) => { validate(): void }>;
  const model = module[object.kind];
  if (!model) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
  return model;
}

const serviceName = (name: string) => `${fullname}-${name}`;
const podSpecs = (r: Rendered) =>
  [...r.all('Deployment'), ...r.all('Job')].map((o) => ({
    object: o,
    pod: o.spec.template.spec,
    labels: o.spec.template.metadata.labels as Record<string, string>,
  }));
const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Who may send traffic to a policy's pods: the pod selectors of its ingress rules. */
const sourcesOf = (policy: K8sObject): Record<string, string>[] =>
  policy.spec.ingress.flatMap((rule: { from: { podSelector: { matchLabels: Record<string, string> } }[] }) =>
    rule.from.map((peer) => peer.podSelector.matchLabels),
  );

/** Service-to-service HTTP calls, read off the config classes (BookingConfig.CALENDAR_SVC_URL: booking-svc calls calendar-svc). */
const serviceCalls = apps.flatMap(({ name: caller }) =>
  Object.keys(new configClasses[caller]!())
    .filter((key) => key.endsWith('_SVC_URL'))
    .map((key) => ({ caller, key, target: key.replace(/_URL$/, '').toLowerCase().replace(/_/g, '-') })),
);

let defaults: Rendered;
let production: Rendered;

beforeAll(async () => {
  // The first run on a machine builds helm from its Go module (a few minutes); later runs reuse it.
  helm = (await run(join(root, 'scripts/tools'), ['path', 'helm'], { timeout: 1_200_000 })).stdout.trim();
  [defaults, production] = await Promise.all([render(), render(['-f', productionValues])]);
}, 1_300_000);

describe.each([
  ['default values', [] as string[]],
  ['production values', ['-f', productionValues]],
])('with %s', (_label, args) => {
  const rendered = () => (args.length ? production : defaults);

  it('passes helm lint --strict', async () => {
    const { stdout } = await helmRun(['lint', '--strict', chart, ...args]);
    expect(stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
  });

  it('renders only objects that validate against the Kubernetes schemas', async () => {
    const { objects } = rendered();
    expect(objects.length).toBeGreaterThan(30);
    for (const object of objects) {
      const Model = await modelOf(object);
      expect({ object: `${object.kind}/${object.metadata.name}`, error: validationError(Model, object) }).toEqual({
        object: `${object.kind}/${object.metadata.name}`,
        error: null,
      });
    }
  });

  it.each(apps)('has a Deployment, Service, ConfigMap, NetworkPolicy and PodDisruptionBudget for $name on its services.json port', ({ name, port }) => {
    const r = rendered();
    for (const kind of ['Deployment', 'Service', 'ConfigMap', 'NetworkPolicy', 'PodDisruptionBudget']) expect(r.find(kind, serviceName(name))).toBeDefined();
    const container = r.find('Deployment', serviceName(name)).spec.template.spec.containers[0];
    expect(container.ports).toEqual([
      { name: 'http', containerPort: port, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9464, protocol: 'TCP' },
    ]);
    expect(container.image).toMatch(new RegExp(`/${name}:[^/]+$`));
    expect(r.find('Service', serviceName(name)).spec.ports).toEqual([
      { name: 'http', port, targetPort: 'http', protocol: 'TCP' },
      { name: 'metrics', port: 9464, targetPort: 'metrics', protocol: 'TCP' },
    ]);
    expect(r.find('ConfigMap', serviceName(name)).data).toMatchObject({ PORT: String(port), METRICS_PORT: '9464' });
  });

  it.each(apps)('probes $name: startup and liveness on /health/live, readiness on /health/ready', ({ name }) => {
    const container = rendered().find('Deployment', serviceName(name)).spec.template.spec.containers[0];
    expect(container.startupProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    expect(container.resources.requests).toEqual(expect.objectContaining({ cpu: expect.anything(), memory: expect.anything() }));
    expect(container.resources.limits.memory).toBeDefined();
  });

  it('runs every pod (services and migration jobs) non-root, read-only, without capabilities, seccomp RuntimeDefault', () => {
    const pods = podSpecs(rendered());
    expect(pods.length).toBe(apps.length + databaseServices.length);
    for (const { pod } of pods) {
      expect(pod.securityContext).toEqual(expect.objectContaining({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }));
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const container of pod.containers) {
        expect(container.securityContext).toEqual({
          runAsNonRoot: true,
          runAsUser: expect.any(Number),
          runAsGroup: expect.any(Number),
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          privileged: false,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(container.securityContext.runAsUser).toBeGreaterThan(0);
        // The only writable path is an emptyDir at /tmp.
        expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
        expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: expect.any(Object) }]);
      }
    }
  });

  it('denies all traffic to and from every pod of the release by default', () => {
    const r = rendered();
    const deny = r.find('NetworkPolicy', `${fullname}-default-deny`);
    expect(deny.spec.policyTypes.sort()).toEqual(['Egress', 'Ingress']);
    expect(deny.spec.ingress ?? []).toEqual([]);
    expect(deny.spec.egress ?? []).toEqual([]);
    for (const { object, labels } of podSpecs(r)) {
      expect({ pod: object.metadata.name, denied: matches(deny.spec.podSelector.matchLabels, labels) }).toEqual({ pod: object.metadata.name, denied: true });
    }
  });

  it.each(apps)('lets Prometheus reach only the metrics port of $name, never its API', ({ name }) => {
    const policy = rendered().find('NetworkPolicy', serviceName(name));
    const fromPrometheus = policy.spec.ingress.filter((rule: { from: Array<{ podSelector?: { matchLabels?: Record<string, string> } }> }) =>
      rule.from.some((peer) => peer.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'prometheus'),
    );
    expect(fromPrometheus.map((rule: { ports: unknown }) => rule.ports)).toEqual([[{ port: 'metrics', protocol: 'TCP' }]]);
  });

  it('lets the gateway be called only by the ingress controller and scraped by Prometheus', () => {
    const sources = sourcesOf(rendered().find('NetworkPolicy', serviceName('gateway')));
    expect(sources).toEqual(expect.arrayContaining([{ 'app.kubernetes.io/name': 'ingress-nginx' }, { 'app.kubernetes.io/name': 'prometheus' }]));
    expect(sources).toHaveLength(2);
  });

  it.each(databaseServices)('lets %s be scraped by Prometheus, and reach DNS, Kafka and MongoDB', (name) => {
    const policy = rendered().find('NetworkPolicy', serviceName(name));
    expect(sourcesOf(policy)).toContainEqual({ 'app.kubernetes.io/name': 'prometheus' });
    const ports = policy.spec.egress.flatMap((rule: { ports: { port: number; protocol: string }[] }) => rule.ports);
    expect(ports).toEqual(
      expect.arrayContaining([
        { port: 53, protocol: 'UDP' },
        { port: 53, protocol: 'TCP' },
        { port: 9092, protocol: 'TCP' },
        { port: 27017, protocol: 'TCP' },
      ]),
    );
    const cidrRules = policy.spec.egress.filter((rule: { to: { ipBlock?: unknown }[] }) => rule.to.some((peer) => peer.ipBlock));
    for (const rule of cidrRules) expect(rule.ports.length).toBeGreaterThan(0);
  });

  // Derived from the config classes: every <SERVICE>_SVC_URL a service reads is a call it makes.
  it.each(serviceCalls)('lets $caller call $target: $key set to its Service, allowed out of one and into the other', ({ caller, target, key }) => {
    const r = rendered();
    const port = apps.find((a) => a.name === target)!.port;
    expect(r.find('ConfigMap', serviceName(caller)).data?.[key]).toBe(`http://${serviceName(target)}:${port}`);
    expect(r.find('NetworkPolicy', serviceName(caller)).spec.egress).toContainEqual({
      to: [{ podSelector: { matchLabels: expect.objectContaining({ 'app.kubernetes.io/component': target }) } }],
      ports: [{ port, protocol: 'TCP' }],
    });
    expect(sourcesOf(r.find('NetworkPolicy', serviceName(target)))).toContainEqual(expect.objectContaining({ 'app.kubernetes.io/component': caller }));
  });

  it.each(apps)('lets $name be called only by the services that call it, the ingress controller (if public) and Prometheus', ({ name }) => {
    const r = rendered();
    const callers = serviceCalls.filter((c) => c.target === name).map((c) => c.caller);
    const sources = sourcesOf(r.find('NetworkPolicy', serviceName(name)));
    const isPublic = name === 'gateway' || r.all('Ingress').some((i) => JSON.stringify(i.spec).includes(`"${serviceName(name)}"`));
    expect(sources).toHaveLength(callers.length + 1 + (isPublic ? 1 : 0));
    for (const caller of callers) expect(sources).toContainEqual(expect.objectContaining({ 'app.kubernetes.io/component': caller }));
  });

  it.each(databaseServices)('migrates %s in a pre-install/pre-upgrade hook job with its image and settings', (name) => {
    const r = rendered();
    const job = r.find('Job', `${serviceName(name)}-migrate`);
    expect(job.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    const container = job.spec.template.spec.containers[0];
    expect(container.image).toBe(r.find('Deployment', serviceName(name)).spec.template.spec.containers[0].image);
    expect(container.command).toEqual(['node', '--enable-source-maps', `dist/apps/${name}/src/migrate.js`, 'up']);
    const env = Object.fromEntries(container.env.map((e: { name: string; value?: string }) => [e.name, e.value ?? 'from-secret']));
    expect(env).toEqual(expect.objectContaining({ MONGO_DB: name.replace(/-svc$/, ''), MONGO_URL: 'from-secret', KAFKA_BROKERS: expect.any(String) }));
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
  });
});

/** The validation error of an object, or null. */
function validationError(Model: new (data: unknown) => { validate(): void }, object: K8sObject): string | null {
  try {
    new Model(object).validate();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('default values', () => {
  /** A service's environment in a pod: its ConfigMap plus the secret keys it references. */
  function environment(name: string): Record<string, string> {
    const secret = defaults.find('Secret', `${fullname}-secrets`).stringData ?? {};
    const container = defaults.find('Deployment', serviceName(name)).spec.template.spec.containers[0];
    const env: Record<string, string> = { ...defaults.find('ConfigMap', serviceName(name)).data };
    for (const entry of container.env as { name: string; valueFrom: { secretKeyRef: { name: string; key: string; optional?: boolean } } }[]) {
      const ref = entry.valueFrom.secretKeyRef;
      expect(ref.name).toBe(`${fullname}-secrets`);
      if (!ref.optional) expect(secret).toHaveProperty([ref.key]);
      if (secret[ref.key] !== undefined) env[entry.name] = secret[ref.key]!;
    }
    return env;
  }

  it.each(apps)('gives $name settings its own config class accepts, in the image’s production mode too (development secrets allowed)', ({ name }) => {
    expect(() => loadConfig(name, configClasses[name]!, environment(name))).not.toThrow();
    expect(environment(name)['ALLOW_DEVELOPMENT_SECRETS']).toBe('true');
    expect(() => loadConfig(name, configClasses[name]!, { ...environment(name), NODE_ENV: 'production' })).not.toThrow();
    const { ALLOW_DEVELOPMENT_SECRETS: _allowed, ...strict } = environment(name);
    // A service given a development secret refuses it without the allowance (the others hold none:
    // their internal keys are derived, and refused in production by InternalIdentity).
    if (['gateway', 'payment-svc', 'calendar-svc'].includes(name))
      expect(() => loadConfig(name, configClasses[name]!, { ...strict, NODE_ENV: 'production' })).toThrow(/a development value, refused in production/);
    expect(strict).not.toHaveProperty('INTERNAL_SIGNING_KEY');
    expect(strict).not.toHaveProperty('INTERNAL_CALLER_KEYS');
  });

  it('gives the migration jobs a hook copy of the Secret, created before them', () => {
    const copy = defaults.find('Secret', `${fullname}-migration-secrets`);
    expect(copy.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(Number(copy.metadata.annotations?.['helm.sh/hook-weight'])).toBeLessThan(0);
    expect(copy.stringData).toEqual(defaults.find('Secret', `${fullname}-secrets`).stringData);
    for (const job of defaults.all('Job')) {
      const refs = job.spec.template.spec.containers[0].env.filter((e: { valueFrom?: unknown }) => e.valueFrom);
      for (const ref of refs) expect(ref.valueFrom.secretKeyRef.name).toBe(`${fullname}-migration-secrets`);
    }
  });

  it('renders no Prometheus Operator objects, no autoscalers and no Ingress', () => {
    for (const kind of ['ServiceMonitor', 'PrometheusRule', 'HorizontalPodAutoscaler', 'Ingress']) expect(defaults.all(kind)).toEqual([]);
  });
});

describe('production values', () => {
  it('runs at least two replicas of everything and autoscales each service', () => {
    for (const { name } of apps) {
      const hpa = production.find('HorizontalPodAutoscaler', serviceName(name));
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: serviceName(name) });
      expect(production.find('Deployment', serviceName(name)).spec.replicas).toBeUndefined(); // the HPA owns it
    }
  });

  it('reads secrets from the existing Secret and renders none', () => {
    expect(production.all('Secret')).toEqual([]);
    for (const { pod } of podSpecs(production)) {
      for (const entry of pod.containers[0].env.filter((e: { valueFrom?: unknown }) => e.valueFrom)) {
        expect(entry.valueFrom.secretKeyRef.name).toBe('booking-platform-secrets');
      }
    }
  });

  it('serves the API and the Stripe webhook over TLS, and lets the ingress controller reach payment-svc', () => {
    const [ingress] = production.all('Ingress');
    expect(ingress?.spec.tls).toEqual([{ hosts: ['api.example.health'], secretName: 'api-example-health-tls' }]);
    const paths = ingress!.spec.rules[0].http.paths.map((p: { path: string; backend: { service: { name: string } } }) => [p.path, p.backend.service.name]);
    expect(paths).toEqual([
      ['/', serviceName('gateway')],
      ['/webhooks/stripe', serviceName('payment-svc')],
    ]);
    expect(sourcesOf(production.find('NetworkPolicy', serviceName('payment-svc')))).toContainEqual({ 'app.kubernetes.io/name': 'ingress-nginx' });
  });

  it("scrapes every service's /metrics with a ServiceMonitor that keeps the services' own labels", () => {
    const [monitor] = production.all('ServiceMonitor');
    for (const { name } of apps) expect(matches(monitor!.spec.selector.matchLabels, production.find('Service', serviceName(name)).metadata.labels!)).toBe(true);
    expect(monitor!.spec.endpoints).toEqual([expect.objectContaining({ port: 'metrics', path: '/metrics', honorLabels: true })]);
  });

  it('ships the rule groups of files/prometheus/rules as a PrometheusRule', () => {
    const rulesDir = join(chart, 'files/prometheus/rules');
    const groups = readdirSync(rulesDir)
      .filter((file) => file.endsWith('.yml'))
      .sort()
      .flatMap((file) => (parse(readFileSync(join(rulesDir, file), 'utf8')) as { groups: unknown[] }).groups);
    const [rule] = production.all('PrometheusRule');
    expect(rule!.spec.groups).toEqual(groups);
  });

  it('ships files/grafana/dashboards as a ConfigMap labelled for the Grafana sidecar', () => {
    const dir = join(chart, 'files/grafana/dashboards');
    const files = readdirSync(dir).filter((file) => file.endsWith('.json'));
    const maps = production.all('ConfigMap').filter((map) => map.metadata.labels?.['grafana_dashboard'] === '1');
    if (files.length === 0) {
      expect(maps).toEqual([]);
      return;
    }
    expect(maps).toHaveLength(1);
    expect(Object.keys(maps[0]!.data ?? {}).sort()).toEqual(files.sort());
    for (const file of files) expect(JSON.parse(maps[0]!.data![file]!)).toEqual(JSON.parse(readFileSync(join(dir, file), 'utf8')));
  });
});

describe('values.schema.json', () => {
  const schema = JSON.parse(readFileSync(join(chart, 'values.schema.json'), 'utf8')) as Record<string, unknown>;

  it('closes every object level with additionalProperties: false', () => {
    const open: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (Array.isArray(node)) return node.forEach((item, i) => walk(item, `${path}/${i}`));
      if (!node || typeof node !== 'object') return;
      const record = node as Record<string, unknown>;
      if (record['type'] === 'object' && record['additionalProperties'] !== false) open.push(path || '/');
      for (const [key, value] of Object.entries(record)) walk(value, `${path}/${key}`);
    };
    walk(schema, '');
    expect(open).toEqual([]);
  });

  it.each([
    ['an unknown top-level key', ['--set', 'replicaCount=3'], "additional properties 'replicaCount' not allowed"],
    ['a misspelt service setting', ['--set', 'services.gateway.replica=2'], "additional properties 'replica' not allowed"],
    ['an unknown service', ['--set', 'services.search-svc.enabled=true'], "additional properties 'search-svc' not allowed"],
    ['a CIDR that is not one', ['--set-json', 'networkPolicy.egress.kafka.cidrs=["kafka.local"]'], '/networkPolicy/egress/kafka/cidrs/0'],
    ['a lower-case secret name', ['--set', 'secrets.values.jwt_secret=x'], "additional properties 'jwt_secret' not allowed"],
    [
      'a service without admission places',
      ['--set', 'services.booking-svc.config.HTTP_MAX_IN_FLIGHT=0'],
      "'/services/booking-svc/config/HTTP_MAX_IN_FLIGHT': minimum",
    ],
    ['a queue wait beyond its bound', ['--set', 'config.HTTP_MAX_QUEUE_WAIT_MS=60000'], "'/config/HTTP_MAX_QUEUE_WAIT_MS': maximum"],
  ])('refuses %s', async (_label, args, message) => {
    expect(await renderError(args)).toContain(message);
  });

  it('refuses to render without an existing Secret unless development values are allowed, and never allows them with one', async () => {
    expect(await renderError(['--set', 'secrets.allowDevelopmentValues=false'])).toContain('secrets.existingSecret is required');
    const withSecret = await render(['--set', 'secrets.existingSecret=platform', ...callerKeys]);
    for (const map of withSecret.all('ConfigMap')) expect(map.data ?? {}).not.toHaveProperty('ALLOW_DEVELOPMENT_SECRETS');
  });

  it('refuses to render without a secret a service requires (unless existingSecret is set)', async () => {
    expect(await renderError(['--set', 'secrets.values.JWT_SECRET='])).toContain(
      'secrets.values.JWT_SECRET is required by gateway (or set secrets.existingSecret)',
    );
    await expect(render(['--set', 'secrets.values.JWT_SECRET=', '--set', 'secrets.existingSecret=platform', ...callerKeys])).resolves.toBeDefined();
  });

  it('gives each caller its own signing key from the Secret and each service the public keys of the services that call it', async () => {
    expect(await renderError(['--set', 'secrets.existingSecret=platform'])).toContain('internalAuth.publicKeys.gateway is required');
    const r = await render(['--set', 'secrets.existingSecret=platform', ...callerKeys]);
    const envOf = (name: string) => r.find('Deployment', serviceName(name)).spec.template.spec.containers[0].env as Array<{ name: string; valueFrom?: any }>;
    const signingKeyOf = (name: string) => envOf(name).find((entry) => entry.name === 'INTERNAL_SIGNING_KEY')?.valueFrom?.secretKeyRef;
    expect(signingKeyOf('gateway')).toEqual({ name: 'platform', key: 'INTERNAL_SIGNING_KEY_GATEWAY' });
    expect(signingKeyOf('booking-svc')).toEqual({ name: 'platform', key: 'INTERNAL_SIGNING_KEY_BOOKING_SVC' });
    for (const name of ['payment-svc', 'calendar-svc', 'notification-svc', 'scheduler-svc']) expect(signingKeyOf(name)).toBeUndefined();
    const callersOf = (name: string) => r.find('ConfigMap', serviceName(name)).data?.['INTERNAL_CALLER_KEYS'];
    expect(callersOf('booking-svc')).toBe(`gateway=${KEY.gateway}`);
    expect(callersOf('calendar-svc')?.split(',').sort()).toEqual([`booking-svc=${KEY.booking}`, `gateway=${KEY.gateway}`]);
    expect(callersOf('gateway')).toBeUndefined();
    // On a local cluster with development values: none of it (each service derives its development key).
    const local = await render();
    for (const { name } of apps) expect(local.find('ConfigMap', serviceName(name)).data ?? {}).not.toHaveProperty('INTERNAL_CALLER_KEYS');
    expect(JSON.stringify(local.all('Deployment'))).not.toContain('INTERNAL_SIGNING_KEY');
  });

  it('refuses an egress name networkPolicy.egress does not define', async () => {
    expect(await renderError(['--set-json', 'services.gateway.egress=["kafka","elastic"]'])).toContain('services.gateway.egress names "elastic"');
  });

  it('takes the migration command from values, {service} replaced by each service', async () => {
    const r = await render(['--set-json', 'migrations.command=["node","dist/apps/{service}/src/migrate.js","latest"]']);
    expect(r.find('Job', `${serviceName('booking-svc')}-migrate`).spec.template.spec.containers[0].command).toEqual([
      'node',
      'dist/apps/booking-svc/src/migrate.js',
      'latest',
    ]);
  });
});

describe('Kafka TLS and SASL', () => {
  const secured = [
    '--set',
    'kafka.tls.enabled=true,kafka.tls.caSecret.name=kafka-cluster-ca,kafka.tls.clientSecret.name=kafka-client',
    '--set',
    'kafka.sasl.mechanism=scram-sha-512,kafka.sasl.existingSecret=kafka-user,kafka.sasl.passwordKey=user.password',
  ];
  const saslCredentials: Record<string, string> = { username: 'booking-platform', 'user.password': 'kP3vX9qLm2Zt7Rw4Yb8Nc6Hd1Jf5Gs0A' };
  let r: Rendered;

  beforeAll(async () => {
    r = await render(secured);
  }, 120_000);

  type EnvEntry = { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string; optional?: boolean } } };

  /** A pod's environment: its ConfigMap (if any) and env entries, secret references resolved from the chart's Secrets and the Kafka user's. */
  function environment(configMap: Record<string, string>, entries: EnvEntry[]): Record<string, string> {
    const secrets: Record<string, Record<string, string>> = { 'kafka-user': saslCredentials };
    for (const secret of r.all('Secret')) secrets[secret.metadata.name] = secret.stringData ?? {};
    const env = { ...configMap };
    for (const { name, value, valueFrom } of entries) {
      const resolved = valueFrom ? secrets[valueFrom.secretKeyRef.name]?.[valueFrom.secretKeyRef.key] : value;
      if (resolved !== undefined) env[name] = resolved;
    }
    return env;
  }

  it('passes helm lint --strict and renders only objects that validate against the Kubernetes schemas', async () => {
    expect((await helmRun(['lint', '--strict', chart, ...secured])).stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    for (const object of r.objects) {
      const error = validationError(await modelOf(object), object);
      expect({ object: `${object.kind}/${object.metadata.name}`, error }).toEqual({ object: `${object.kind}/${object.metadata.name}`, error: null });
    }
  });

  it.each(apps)('sets TLS and SASL for $name: the settings in its ConfigMap, the username and password only by secretKeyRef', ({ name }) => {
    const data = r.find('ConfigMap', serviceName(name)).data ?? {};
    expect(data).toEqual(
      expect.objectContaining({
        KAFKA_SSL: 'true',
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SSL_CA_FILE: expect.any(String),
        KAFKA_SSL_CERT_FILE: expect.any(String),
      }),
    );
    expect(Object.keys(data).filter((key) => key.startsWith('KAFKA_SASL_'))).toEqual(['KAFKA_SASL_MECHANISM']);
    const container = r.find('Deployment', serviceName(name)).spec.template.spec.containers[0];
    const kafkaEnv = (container.env as EnvEntry[]).filter((e) => e.name.startsWith('KAFKA_'));
    expect(kafkaEnv).toEqual([
      { name: 'KAFKA_SASL_USERNAME', valueFrom: { secretKeyRef: { name: 'kafka-user', key: 'username' } } },
      { name: 'KAFKA_SASL_PASSWORD', valueFrom: { secretKeyRef: { name: 'kafka-user', key: 'user.password' } } },
    ]);
  });

  it.each(apps)('mounts the CA and the client certificate of $name read-only, at the paths its settings name', ({ name }) => {
    const data = r.find('ConfigMap', serviceName(name)).data ?? {};
    const pod = r.find('Deployment', serviceName(name)).spec.template.spec;
    const mounts = pod.containers[0].volumeMounts as { name: string; mountPath: string; readOnly?: boolean }[];
    /** The Secret and key a file path comes from, through the container's mounts and the pod's volumes. */
    const source = (path: string | undefined) => {
      const mount = mounts.find((m) => path?.startsWith(`${m.mountPath}/`));
      const volume = (pod.volumes as { name: string; secret?: { secretName: string; items: { key: string; path: string }[] } }[]).find(
        (v) => v.name === mount?.name,
      );
      const item = volume?.secret?.items.find((i) => `${mount!.mountPath}/${i.path}` === path);
      return { secret: volume?.secret?.secretName, key: item?.key, readOnly: mount?.readOnly };
    };
    expect(source(data['KAFKA_SSL_CA_FILE'])).toEqual({ secret: 'kafka-cluster-ca', key: 'ca.crt', readOnly: true });
    expect(source(data['KAFKA_SSL_CERT_FILE'])).toEqual({ secret: 'kafka-client', key: 'tls.crt', readOnly: true });
    expect(source(data['KAFKA_SSL_KEY_FILE'])).toEqual({ secret: 'kafka-client', key: 'tls.key', readOnly: true });
    // /tmp stays the only writable path.
    expect(mounts.filter((m) => !m.readOnly)).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
  });

  it.each(apps)('gives $name settings its config class accepts, and that it refuses without the credentials from the Secret', ({ name }) => {
    const data = r.find('ConfigMap', serviceName(name)).data ?? {};
    const env = environment(data, r.find('Deployment', serviceName(name)).spec.template.spec.containers[0].env);
    const config = loadConfig(name, configClasses[name]!, env);
    expect([config.KAFKA_SSL, config.KAFKA_SASL_MECHANISM, config.KAFKA_SASL_USERNAME]).toEqual([true, 'scram-sha-512', 'booking-platform']);
    const { KAFKA_SASL_USERNAME: _username, KAFKA_SASL_PASSWORD: _password, ...withoutSecret } = env;
    expect(() => loadConfig(name, configClasses[name]!, withoutSecret)).toThrow(/KAFKA_SASL_PASSWORD: required with KAFKA_SASL_MECHANISM/);
  });

  it('gives each service a principal of its own when the Secret name says {service}: kafka-booking-svc for booking-svc, and so on', async () => {
    const perService = await render(['--set', 'kafka.sasl.mechanism=scram-sha-512', '--set-string', 'kafka.sasl.existingSecret=kafka-{service}']);
    for (const { name } of apps) {
      const env = perService.find('Deployment', serviceName(name)).spec.template.spec.containers[0].env as EnvEntry[];
      const refs = env.filter((e) => e.name.startsWith('KAFKA_SASL_')).map((e) => e.valueFrom?.secretKeyRef.name);
      expect({ name, refs }).toEqual({ name, refs: [`kafka-${name}`, `kafka-${name}`] });
    }
    expect(await renderError(['--set', 'kafka.sasl.mechanism=plain', '--set-string', 'kafka.sasl.existingSecret=kafka-{name}'])).toContain('existingSecret');
  }, 120_000);

  it('gives the migration jobs neither Kafka TLS/SASL settings, mounts nor credentials (they do not talk to Kafka), and their config still loads', () => {
    const jobs = r.all('Job');
    expect(jobs).toHaveLength(databaseServices.length);
    for (const job of jobs) {
      const container = job.spec.template.spec.containers[0];
      expect((container.env as EnvEntry[]).map((e) => e.name).filter((n) => /^KAFKA_(SSL|SASL)/.test(n))).toEqual([]);
      expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
      const service = job.spec.template.metadata.labels['booking-platform/migrates'] as string;
      expect(() => loadConfig(service, configClasses[service]!, environment({}, container.env))).not.toThrow();
    }
  });

  it('sets none of it by default or with the production values', () => {
    for (const rendered of [defaults, production]) {
      for (const map of rendered.all('ConfigMap')) expect(Object.keys(map.data ?? {}).filter((key) => /^KAFKA_(SSL|SASL)/.test(key))).toEqual([]);
      for (const { pod } of podSpecs(rendered)) expect(pod.containers[0].env.filter((e: EnvEntry) => e.name.startsWith('KAFKA_SASL_'))).toEqual([]);
    }
  });

  it('offers in values.schema.json exactly the SASL mechanisms the services accept', () => {
    const schema = JSON.parse(readFileSync(join(chart, 'values.schema.json'), 'utf8'));
    expect(schema.properties.kafka.properties.sasl.properties.mechanism.enum).toEqual(['', ...KAFKA_SASL_MECHANISMS]);
  });

  it.each([
    [
      'a SASL mechanism without the Secret of its credentials',
      ['--set', 'kafka.sasl.mechanism=scram-sha-512'],
      'kafka.sasl.existingSecret is required with kafka.sasl.mechanism',
    ],
    ['a SASL Secret without a mechanism', ['--set', 'kafka.sasl.existingSecret=kafka-user'], 'kafka.sasl.mechanism is required with kafka.sasl.existingSecret'],
    [
      'a mechanism the services do not accept',
      ['--set', 'kafka.sasl.mechanism=gssapi', '--set', 'kafka.sasl.existingSecret=kafka-user'],
      "'/kafka/sasl/mechanism': value must be one of",
    ],
    [
      'a CA without TLS',
      ['--set', 'kafka.tls.caSecret.name=kafka-cluster-ca'],
      'kafka.tls.caSecret and kafka.tls.clientSecret are used only with kafka.tls.enabled=true',
    ],
    [
      'the SASL password in a ConfigMap',
      ['--set', 'config.KAFKA_SASL_PASSWORD=pw'],
      'config.KAFKA_SASL_PASSWORD: set Kafka TLS and SASL with kafka.tls and kafka.sasl',
    ],
    [
      'a Kafka TLS setting in one service’s config',
      ['--set', 'services.gateway.config.KAFKA_SSL=true'],
      'services.gateway.config.KAFKA_SSL: set Kafka TLS and SASL with',
    ],
  ])('refuses %s', async (_label, args, message) => {
    expect(await renderError(args)).toContain(message);
  });
});
