import { randomUUID } from 'node:crypto';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, ValidateBy, ValidateIf } from 'class-validator';
import { RequiredInProduction, Secret, ServiceConfig, toBoolean } from '@bp/platform';

/** Room between a service's queue bound and the gateway's deadline for the refusal to travel back. */
const SHED_ANSWER_MARGIN_MS = 1000;

/**
 * UPSTREAM_TIMEOUT_MS must outlast a service's wait for an admission place (HTTP_MAX_QUEUE_WAIT_MS,
 * the same setting for every service in the chart), so a request a service sheds reaches the client
 * as 503 OVERLOADED rather than 504.
 */
function OutlastsQueueWait(): PropertyDecorator {
  return ValidateBy({
    name: 'outlastsQueueWait',
    validator: {
      validate: (value, args) => typeof value === 'number' && value >= (args?.object as GatewayConfig).HTTP_MAX_QUEUE_WAIT_MS + SHED_ANSWER_MARGIN_MS,
      defaultMessage: () => `must be at least HTTP_MAX_QUEUE_WAIT_MS + ${SHED_ANSWER_MARGIN_MS} ms, so a request a service sheds is answered 503, not 504`,
    },
  });
}

export class GatewayConfig extends ServiceConfig {
  override PORT = 3000;

  /**
   * The gateway's requests mostly wait on a service (cheap for Node), and the services bound their
   * own work; 256 lets several service replicas be kept busy while still refusing a flood quickly.
   */
  override HTTP_MAX_IN_FLIGHT = 256;

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  BOOKING_SVC_URL = 'http://127.0.0.1:3001';

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  PAYMENT_SVC_URL = 'http://127.0.0.1:3002';

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  CALENDAR_SVC_URL = 'http://127.0.0.1:3003';

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  NOTIFICATION_SVC_URL = 'http://127.0.0.1:3004';

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  SCHEDULER_SVC_URL = 'http://127.0.0.1:3005';

  /** /health/booking is computed at most this often; callers in between get the last answer. */
  @IsInt()
  @Min(0)
  @Max(300_000)
  HEALTH_BOOKING_CACHE_MS: number = 10_000;

  /** /health/booking warns (degraded) at this many requests waiting for providers (the spec: 100). */
  @IsInt()
  @Min(1)
  HEALTH_PENDING_WARN_COUNT: number = 100;

  /** … at this many requests whose deadline is within 4 hours (the spec: 20). */
  @IsInt()
  @Min(1)
  HEALTH_EXPIRING_SOON_WARN_COUNT: number = 20;

  /** … at this much held on cards, in minor units of any one currency (the spec: $10,000). */
  @IsInt()
  @Min(1)
  HEALTH_HOLDS_WARN_AMOUNT_CENTS: number = 1_000_000;

  /** How long the gateway waits for an owning service (504 UPSTREAM_TIMEOUT after it). */
  @IsInt()
  @Min(100)
  @Max(60_000)
  @OutlastsQueueWait()
  UPSTREAM_TIMEOUT_MS: number = 5000;

  /**
   * Bearer tokens are RS256/ES256 verified against this JWKS URL when it is set (an identity
   * provider's keys), otherwise HS256 with JWT_SECRET (development and single-issuer setups).
   */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  @RequiredInProduction({ https: true, optional: true }) // keys fetched over plain http could be swapped
  JWT_JWKS_URL?: string;

  @ValidateIf((config: GatewayConfig) => !config.JWT_JWKS_URL)
  @IsString()
  @MinLength(32)
  @Secret({ optional: true })
  JWT_SECRET: string;

  /** The `iss` every token must carry; required in production. */
  @IsOptional()
  @IsString()
  @RequiredInProduction()
  JWT_ISSUER?: string;

  /** The `aud` every token must carry (this API); required in production. */
  @IsOptional()
  @IsString()
  @RequiredInProduction()
  JWT_AUDIENCE?: string;

  /** How far a token's `exp`, `nbf` and `iat` may be off from this clock. */
  @IsInt()
  @Min(0)
  @Max(300)
  JWT_CLOCK_TOLERANCE_SECONDS: number = 30;

  /** The roles tokens of this issuer may grant (comma-separated); a token with another role is refused. */
  @Matches(/^(patient|provider|admin)(,(patient|provider|admin))*$/, { message: 'JWT_GRANTABLE_ROLES lists roles among patient, provider, admin' })
  JWT_GRANTABLE_ROLES: string = 'patient,provider,admin';

  /** Heartbeat on live streams and sockets; sockets are pinged as often, and one that missed the previous ping is dropped. */
  @IsInt()
  @Min(1000)
  SSE_HEARTBEAT_MS: number = 15000;

  /** Live connections (SSE streams and WebSockets together) one user may hold open on this replica; another is refused 429 TOO_MANY_STREAMS (a socket: close 4429). */
  @IsInt()
  @Min(1)
  @Max(100)
  SSE_MAX_STREAMS_PER_USER: number = 5;

  /** Each replica consumes the live stream in its own consumer group, so every replica sees every event. */
  @IsString()
  @IsNotEmpty()
  GATEWAY_INSTANCE_ID = randomUUID();

  /** Redis for rate-limit counters shared by every replica (docs/gateway-api.md#rate-limits). */
  @IsString()
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /**
   * Longest a rate-limit check waits for Redis before it is counted in this process's memory instead
   * (a hung Redis must not hang requests). Redis answers in about a millisecond when healthy.
   */
  @IsInt()
  @Min(10)
  @Max(2000)
  RATE_LIMIT_REDIS_TIMEOUT_MS: number = 150;

  /** Requests per minute per client address without a valid token (every /api route together). */
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_IP_PER_MINUTE: number = 600;

  /** Requests per minute per authenticated user, whatever their address (every /api route together). */
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_USER_PER_MINUTE: number = 300;

  /**
   * Requests per minute per client address with valid tokens: a ceiling for one address holding many
   * tokens. High, because many patients share an address behind a carrier or corporate NAT: 12,000
   * (200/s) is twice the ~100 requests/s of 25 new patients a second from one address.
   */
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_IP_AUTHENTICATED_PER_MINUTE: number = 12_000;

  /**
   * The portal's development sign-in (POST /api/dev/sign-in mints a token for any provider or admin
   * with JWT_SECRET). Off unless switched on: config/local.env does, for `npm start` and the tests; a
   * shared environment that forgets NODE_ENV=production must not hand out admin tokens. Refused in
   * production, and never served there or with a JWKS whatever it says.
   */
  @Transform(toBoolean)
  @IsBoolean()
  @RequiredInProduction({ value: false })
  DEV_SIGN_IN: boolean = false;

  /** The built portal (index.html and assets/) served at /portal/; unset: dist/apps/portal beside the gateway's build. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  PORTAL_DIR?: string;

  /** Oldest client app version still served (426 UPGRADE_REQUIRED below it); unset serves every version. */
  @IsOptional()
  @Matches(/^\d+\.\d+\.\d+$/, { message: 'MIN_CLIENT_VERSION must be a version like 2.3.0' })
  MIN_CLIENT_VERSION?: string;
}
