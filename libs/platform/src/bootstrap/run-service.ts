import { type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ROOT_CONTEXT, SpanKind, context, propagation, trace } from '@opentelemetry/api';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { ConfigValidationError, loadConfig } from '../config/load-config.js';
import { DatabaseServiceConfig, type ServiceConfig } from '../config/service.config.js';
import { controlAdmission } from '../http/admission/admission-control.js';
import { requestIdOf } from '../logging/logging.module.js';
import { collectProcessMetrics, httpRequestDuration } from '../metrics/metrics.js';
import { applyPendingMigrations } from '../migrations/apply-migrations.js';
import { describeMigrationFailure } from '../migrations/migration-error.js';
import type { Migration } from '../migrations/migration.js';
import { watchMigrations } from '../migrations/migration-readiness.js';
import { ROUTER_MAX_PARAMETER_LENGTH, frameworkErrorReply } from '../http/framework-errors.js';
import { httpServerSpansInstrumented, isUntracedRequest } from '../telemetry/start-telemetry.js';

export interface ServiceDefinition<C extends ServiceConfig> {
  name: string;
  configClass: new () => C;
  rootModule: (config: C) => DynamicModule;
  /** Connects the service's transports (its Kafka consumer) before the HTTP server starts listening. */
  connect?: (app: INestApplication, config: C) => Promise<void> | void;
  bodyLimitBytes?: number;
  /** Last touches on the app before it listens (the gateway serves its OpenAPI document here). */
  beforeListen?: (app: INestApplication, config: C) => Promise<void> | void;
  /** Keep each request's raw body (`request.rawBody`), for signatures computed over the exact bytes (webhooks). */
  rawBody?: boolean;
  /** The service's database migrations: it is not ready until they are all applied (docs/migrations.md). */
  migrations?: readonly Migration[];
  /** Routes that bypass admission control besides /health/* and /metrics: long-lived streams, which would hold a place while open. */
  admissionExemptRoutes?: readonly string[];
}

function trustProxyOf(setting: string): boolean | string {
  return setting === 'true' ? true : setting === 'false' ? false : setting;
}

function observeHttp(app: NestFastifyApplication): void {
  const duration = httpRequestDuration();
  const tracer = trace.getTracer('@bp/platform');
  app
    .getHttpAdapter()
    .getInstance()
    // The server span is named after the route Fastify matched (`POST /api/bookings/reserve-slot`,
    // `GET /internal/bookings/:id`). When traces are exported the HTTP instrumentation made the span,
    // knowing only the method; otherwise it is opened here, as the caller's `traceparent` continues or
    // as a new trace, and the rest of the request runs inside it (its logs, messages and calls).
    .addHook('onRequest', (request, reply, done) => {
      const route = request.routeOptions.url;
      if (httpServerSpansInstrumented()) {
        const span = trace.getActiveSpan();
        if (route && span) span.updateName(`${request.method} ${route}`).setAttribute('http.route', route);
        return done();
      }
      if (isUntracedRequest(request.url)) return done();
      const parent = propagation.extract(ROOT_CONTEXT, request.headers);
      const span = tracer.startSpan(route ? `${request.method} ${route}` : request.method, { kind: SpanKind.SERVER }, parent);
      if (span.isRecording()) reply.raw.once('close', () => span.end()); // a sampled caller's trace: followed, though nothing is exported here
      context.with(trace.setSpan(parent, span), done);
    })
    .addHook('onResponse', (request, reply, done) => {
      // The route pattern, not the URL, keeps the label set bounded.
      const route = request.routeOptions.url ?? 'unmatched';
      duration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
      done();
    });
}

/**
 * On the first signal: close the app (consumer first — in-flight message finished, offsets committed —
 * then HTTP, then shutdown hooks and connections) and exit 0; exit 1 if that outlasts the timeout.
 */
function stopGracefullyOn(signals: NodeJS.Signals[], app: INestApplication, logger: Logger, timeoutMs: number): void {
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: draining`);
    setTimeout(() => {
      logger.error(`shutdown took longer than ${timeoutMs} ms; exiting`);
      process.exit(1);
    }, timeoutMs).unref();
    try {
      await app.close();
      logger.log('stopped');
      process.exit(0);
    } catch (error) {
      logger.error({ message: 'shutdown failed', error: (error as Error).message });
      process.exit(1);
    }
  };
  for (const signal of signals) process.on(signal, (received) => void stop(received));
}

/** MIGRATE_ON_START: `migrate.js up` in this process, before anything else touches the database; exits 1 when it fails, as the command does. */
async function migrateBeforeStart(name: string, config: DatabaseServiceConfig, migrations: readonly Migration[]): Promise<void> {
  try {
    await applyPendingMigrations(config, migrations, (line) => process.stdout.write(`${name} migrate: ${line}\n`));
  } catch (error) {
    process.stderr.write(`${name} migrate up failed: ${describeMigrationFailure(error)}\n`);
    process.exit(1);
  }
}

/**
 * Boots one service: validated config (refusing to start on bad config), Nest on Fastify with JSON
 * logs, HTTP metrics, admission control (bounded requests in flight and waiting, 503 OVERLOADED past
 * them: docs/back-pressure.md), its Kafka consumer, and graceful shutdown on SIGTERM/SIGINT: Nest
 * closes the consumer first (in-flight message finished, offsets committed), then HTTP, then
 * connections.
 */
export async function runService<C extends ServiceConfig>(definition: ServiceDefinition<C>): Promise<INestApplication> {
  process.env['SERVICE_NAME'] ??= definition.name;
  let config: C;
  try {
    config = loadConfig(definition.name, definition.configClass);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  process.env['LOG_LEVEL'] = config.LOG_LEVEL;
  collectProcessMetrics(definition.name);
  if (definition.migrations && config instanceof DatabaseServiceConfig && config.MIGRATE_ON_START) {
    await migrateBeforeStart(definition.name, config, definition.migrations);
  }

  const app = await NestFactory.create<NestFastifyApplication>(
    definition.rootModule(config),
    // Fastify's request id is the X-Request-ID too, so every log line of a request carries the same id.
    new FastifyAdapter({
      bodyLimit: definition.bodyLimitBytes ?? 64 * 1024,
      trustProxy: trustProxyOf(config.TRUST_PROXY),
      genReqId: requestIdOf,
      frameworkErrors: frameworkErrorReply,
      // Fastify refuses a path parameter over 100 characters with 414 before any guard runs, so an
      // unauthenticated caller got 414 rather than 401; an id's length is the route's to judge.
      routerOptions: { maxParamLength: ROUTER_MAX_PARAMETER_LENGTH },
    }),
    { bufferLogs: true, rawBody: definition.rawBody ?? false },
  );
  const logger = app.get(Logger);
  app.useLogger(logger);
  observeHttp(app);
  controlAdmission(app.getHttpAdapter().getInstance(), {
    limits: { maxInFlight: config.HTTP_MAX_IN_FLIGHT, maxQueueLength: config.HTTP_MAX_QUEUE_LENGTH, maxQueueWaitMs: config.HTTP_MAX_QUEUE_WAIT_MS },
    exemptRoutes: definition.admissionExemptRoutes ?? [],
  });
  if (definition.migrations) await watchMigrations(app, definition.migrations, logger);
  stopGracefullyOn(['SIGTERM', 'SIGINT'], app, logger, config.SHUTDOWN_TIMEOUT_MS);

  await definition.connect?.(app, config);
  // Module init hooks (collections, the inbox, relays) run before the consumer takes its first message:
  // a hybrid app's microservice does not run them itself, and app.listen would run them too late.
  await app.init();
  await app.startAllMicroservices();
  await definition.beforeListen?.(app, config);
  await app.listen(config.PORT, config.HOST);
  logger.log(`${definition.name} listening on http://${config.HOST}:${config.PORT}`);
  return app;
}
