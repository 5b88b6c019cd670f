import { Transform } from 'class-transformer';
import { RequiredInProduction, Secret } from './secret.js';
import { OnlyWith, SetTogether, emptyAsUnset } from './setting-rules.js';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';

/**
 * Reads the raw environment string (implicit conversion has already turned any non-empty string,
 * "false" included, into true). Anything but the listed words stays a string and fails @IsBoolean.
 */
export const toBoolean = ({ obj, key, value }: { obj: Record<string, unknown>; key: string; value: unknown }) => {
  const raw = obj[key];
  if (typeof raw !== 'string') return value;
  const word = raw.trim().toLowerCase();
  if (['1', 'true', 'yes'].includes(word)) return true;
  if (['0', 'false', 'no', ''].includes(word)) return false;
  return raw;
};

/** The SASL mechanisms a service authenticates to the brokers with (kafkajs's names). */
export const KAFKA_SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

const KAFKA_SASL = ['KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'];
const KAFKA_CLIENT_CERTIFICATE = ['KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'];

/** Settings every service shares. Each app extends this with its own class (one per app). */
export class ServiceConfig {
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT: number;

  @IsString()
  @IsNotEmpty()
  HOST: string = '0.0.0.0';

  /**
   * Serve /metrics on this port only (nothing else there), not on PORT: what lets a NetworkPolicy give
   * Prometheus the metrics and nothing of the API. Unset: /metrics on PORT (local runs).
   */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  METRICS_PORT?: number;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  /**
   * Which peers' X-Forwarded-For is believed for the client address (rate limits, logs): `true`,
   * `false`, or addresses/CIDRs/named ranges. The default trusts proxies on private networks (an
   * ingress in the cluster), not the open internet, so a client cannot pick its own address.
   */
  @IsString()
  @IsNotEmpty()
  TRUST_PROXY: string = 'loopback,linklocal,uniquelocal';

  /** Comma-separated `host:port` list. */
  @IsString()
  @IsNotEmpty()
  KAFKA_BROKERS: string;

  /** Consumer group; defaults to the service name. Tests give each run its own. */
  @IsOptional()
  @IsString()
  KAFKA_GROUP_ID?: string;

  /** Where a new consumer group starts: the whole retained log (true, no event lost on first deploy) or the end. */
  @Transform(toBoolean)
  @IsBoolean()
  KAFKA_FROM_BEGINNING: boolean = true;

  /**
   * Handler attempts in place (the key's later messages wait behind it) before a failing message is
   * parked on the group's retry topic; the waits double from KAFKA_RETRY_BACKOFF_MS up to
   * KAFKA_RETRY_MAX_BACKOFF_MS (6 attempts: about 6 s, enough for a database failover).
   */
  @IsInt()
  @Min(1)
  @Max(20)
  KAFKA_MAX_ATTEMPTS: number = 6;

  @IsInt()
  @Min(1)
  @Max(60_000)
  KAFKA_RETRY_BACKOFF_MS: number = 200;

  @IsInt()
  @Min(1)
  @Max(600_000)
  KAFKA_RETRY_MAX_BACKOFF_MS: number = 10_000;

  /**
   * Rounds on the group's retry topic (`<group>.retry.v1`) after the attempts in place, each after a
   * longer wait (KAFKA_RETRY_TOPIC_DELAY_MS, doubling: 1, 2, 4, 8, 16 min by default) with the same
   * attempts; a message still failing after the last goes to the dead-letter topic. 0: dead-letter at once.
   */
  @IsInt()
  @Min(0)
  @Max(20)
  KAFKA_RETRY_TOPIC_ROUNDS: number = 5;

  @IsInt()
  @Min(100)
  @Max(86_400_000)
  KAFKA_RETRY_TOPIC_DELAY_MS: number = 60_000;

  /**
   * Partitions a topic is created with; an existing topic with fewer is grown to this at startup
   * (topics with their own count in TOPIC_SETTINGS keep it). Growing moves keys to other partitions
   * once, so messages queued under the old count may be handled out of order across that moment.
   */
  @IsInt()
  @Min(1)
  @Max(1000)
  KAFKA_TOPIC_PARTITIONS: number = 12;

  /** Partitions whose fetched batches the consumer dispatches at once. */
  @IsInt()
  @Min(1)
  @Max(64)
  KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY: number = 4;

  /**
   * After a fetch that brought messages, the consumer fetches again no sooner than this long after that
   * fetch began, so under load one fetch carries many messages (each fetch costs the broker and the
   * consumer the same whatever it carries); a consumer with nothing to read still waits on the broker
   * and gets the next message at once. 0 fetches again as soon as a batch is dispatched. 200 rather than
   * 100: about an eighth less of the machine's CPU per booking under load, for about 0.3 s more from a
   * booking's answer to its end state (docs/kafka-consumers.md).
   */
  @IsInt()
  @Min(0)
  @Max(1000)
  KAFKA_FETCH_GATHER_MS: number = 200;

  /**
   * How long a fetch waits on the broker when its partitions have nothing new (it is answered at once
   * when a message arrives): an idle consumer asks this often. kafkajs's own default, 5000: the idle
   * platform's polling is most of its CPU at rest. Starting and stopping wait for a fetch to come back
   * (readiness for the first, a graceful stop for the one in flight), so the test suite, which starts
   * a few hundred services, sets 1000 (docs/kafka-consumers.md).
   */
  @IsInt()
  @Min(100)
  @Max(10000)
  KAFKA_FETCH_MAX_WAIT_MS: number = 5000;

  /**
   * A send that finds no produce request of this process under way waits this long for others to join
   * it in one request (sends asked for while one is under way always join the next). Each request costs
   * the broker about the same whatever it carries; 0 sends at once.
   */
  @IsInt()
  @Min(0)
  @Max(100)
  KAFKA_PRODUCE_LINGER_MS: number = 5;

  /** Keys of one partition handled at once; the messages of one key are handled one at a time, in offset order. */
  @IsInt()
  @Min(1)
  @Max(1000)
  KAFKA_KEY_CONCURRENCY: number = 16;

  /**
   * Messages of one partition the consumer takes past its committed position at most (running,
   * queued behind their key, or finished behind an older unfinished one). A full partition is paused
   * until half of them are done; it also bounds what a crash makes the partition consume again.
   */
  @IsInt()
  @Min(1)
  @Max(10000)
  KAFKA_MAX_IN_FLIGHT_PER_PARTITION: number = 256;

  /** TLS to the brokers; their certificates are verified against the system CAs or KAFKA_SSL_CA_FILE. */
  @Transform(toBoolean)
  @IsBoolean()
  KAFKA_SSL: boolean = false;

  /** PEM file of the CA(s) that signed the brokers' certificates (a private CA), read at startup. */
  @Transform(emptyAsUnset)
  @IsOptional()
  @IsString()
  @OnlyWith('KAFKA_SSL', true)
  KAFKA_SSL_CA_FILE?: string;

  /** PEM files of a client certificate and its key, for brokers that authenticate clients by TLS (mutual TLS). */
  @Transform(emptyAsUnset)
  @SetTogether(KAFKA_CLIENT_CERTIFICATE)
  @OnlyWith('KAFKA_SSL', true)
  KAFKA_SSL_CERT_FILE?: string;

  @Transform(emptyAsUnset)
  @SetTogether(KAFKA_CLIENT_CERTIFICATE)
  @OnlyWith('KAFKA_SSL', true)
  KAFKA_SSL_KEY_FILE?: string;

  /**
   * Refuse brokers whose certificate does not verify. Refused as false in production: an unverified
   * certificate lets anyone on the path read and forge every event (and the SASL password).
   */
  @Transform(toBoolean)
  @IsBoolean()
  @RequiredInProduction({ value: true })
  KAFKA_SSL_REJECT_UNAUTHORIZED: boolean = true;

  /** SASL authentication to the brokers; the mechanism, username and password are set together or not at all. */
  @Transform(emptyAsUnset)
  @SetTogether(KAFKA_SASL, KAFKA_SASL_MECHANISMS)
  KAFKA_SASL_MECHANISM?: KafkaSaslMechanism;

  @Transform(emptyAsUnset)
  @SetTogether(KAFKA_SASL)
  KAFKA_SASL_USERNAME?: string;

  /** Never logged; in production, not a development value, at least 16 characters and not predictable. */
  @Transform(emptyAsUnset)
  @SetTogether(KAFKA_SASL)
  @Secret({ optional: true, minLength: 16 })
  KAFKA_SASL_PASSWORD?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  /**
   * This service's Ed25519 private key (base64 PKCS#8 DER) for the token it signs on each internal call
   * it makes; required in production by a service that calls another. Unset outside production: a
   * development key derived from the service's name.
   */
  @Transform(emptyAsUnset)
  @IsOptional()
  @IsString()
  @Secret({ optional: true })
  INTERNAL_SIGNING_KEY?: string;

  /**
   * The callers whose internal calls this service accepts: `name=<base64 SPKI DER public key>`,
   * comma-separated (public keys, not secrets). Unset: in production nobody; outside production every
   * platform service's development key.
   */
  @Transform(emptyAsUnset)
  @IsOptional()
  @IsString()
  INTERNAL_CALLER_KEYS?: string;

  /** Grace period for in-flight work on SIGTERM before the process exits anyway. */
  @IsInt()
  @Min(1000)
  SHUTDOWN_TIMEOUT_MS: number = 15000;

  /**
   * Requests this process works on at once (admission control; /health/* and /metrics are not
   * counted). More wait for a place, or are answered 503 OVERLOADED with Retry-After. 16 keeps a
   * service's database pool and event loop busy; with more, an overloaded service time-slices the
   * requests it admitted until they pass the gateway's deadline (504s in `npm run bench`'s open loop
   * at 25/s: 217 with 64, 1 with 16), instead of refusing the excess while it can still answer.
   */
  @IsInt()
  @Min(1)
  @Max(10_000)
  HTTP_MAX_IN_FLIGHT: number = 16;

  /** Requests that may wait for a place; one more is answered 503 OVERLOADED at once. 0: none wait. */
  @IsInt()
  @Min(0)
  @Max(100_000)
  HTTP_MAX_QUEUE_LENGTH: number = 256;

  /**
   * Longest wait for a place before 503 OVERLOADED (Retry-After: this, rounded up to whole seconds,
   * at least 1). Must stay well below every caller's deadline (the gateway's UPSTREAM_TIMEOUT_MS), so
   * a refused request is answered as such rather than timing out.
   */
  @IsInt()
  @Min(0)
  @Max(30_000)
  HTTP_MAX_QUEUE_WAIT_MS: number = 1000;
}

/** Services that own a database. */
export class DatabaseServiceConfig extends ServiceConfig {
  @IsString()
  @IsNotEmpty()
  MONGO_URL: string;

  @IsString()
  @IsNotEmpty()
  MONGO_DB: string;

  /**
   * Most database operations this process runs at once (the driver's pool); more wait in the driver.
   * Bounded so the engine is never asked for more than it can take at once (FerretDB holds two
   * PostgreSQL connections per update, from a fixed pool: scripts/lib/infra-mongo.sh).
   */
  @IsInt()
  @Min(1)
  @Max(500)
  MONGO_MAX_POOL_SIZE: number = 20;

  /** Readiness fails when an outbox event has waited longer than this to be published. */
  @IsInt()
  @Min(1)
  OUTBOX_MAX_LAG_SECONDS: number = 60;

  @IsInt()
  @Min(50)
  OUTBOX_SWEEP_INTERVAL_MS: number = 5000;

  /**
   * How long the relay holds a published document's clear for that document's next write to carry
   * (0: clear at once). Below the sweep's 2-second grace, so another replica's sweep does not publish
   * the same entries again meanwhile.
   */
  @IsInt()
  @Min(0)
  @Max(1500)
  OUTBOX_CLEAR_DELAY_MS: number = 1000;

  /**
   * Apply this release's pending migrations before starting, in this process (docs/migrations.md).
   * Off by default: a deployment runs `migrate.js up` once per release (the chart's hook job); the
   * test harness switches it on, sparing each service it starts a second process.
   */
  @Transform(toBoolean)
  @IsBoolean()
  MIGRATE_ON_START: boolean = false;
}

/** A service whose writing requests take an idempotency key (libs/platform/src/http/idempotency.store.ts). */
export class IdempotentServiceConfig extends DatabaseServiceConfig {
  /**
   * How long a request's idempotency record is kept after the request: a retry with its key within this
   * window is answered as the first was; one after it runs again (docs/retention.md).
   */
  @IsInt()
  @Min(1)
  @Max(24 * 30)
  IDEMPOTENCY_RETENTION_HOURS: number = 24;
}

export function brokersOf(config: ServiceConfig): string[] {
  return config.KAFKA_BROKERS.split(',')
    .map((b) => b.trim())
    .filter(Boolean);
}
