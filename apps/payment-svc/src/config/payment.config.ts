import { IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min } from 'class-validator';
import { IdempotentServiceConfig, Secret } from '@bp/platform';

export class PaymentConfig extends IdempotentServiceConfig {
  override PORT = 3002;
  override MONGO_DB = 'payment';

  /** Stripe secret key (sk_live_… in production, sk_test_… elsewhere). Never logged. */
  @Matches(/^(sk|rk)_(test|live)_[A-Za-z0-9]+$/, { message: 'STRIPE_SECRET_KEY must be a Stripe secret or restricted key' })
  @Secret()
  STRIPE_SECRET_KEY: string;

  /** Signing secret of the webhook endpoint (whsec_…). */
  @Matches(/^whsec_[A-Za-z0-9]+$/, { message: 'STRIPE_WEBHOOK_SECRET must be a webhook signing secret (whsec_…)' })
  @Secret({ minLength: 24 })
  STRIPE_WEBHOOK_SECRET: string;

  /** Where the Stripe SDK sends requests: unset for Stripe itself; stripe-mock or a local fake in development and tests. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  STRIPE_API_BASE?: string;

  /**
   * Test mode only: the card used when a hold request carries none (stripe-mock's `pm_card_visa`), so
   * flows can run before the client apps collect cards. Ignored with a live key.
   */
  @IsOptional()
  @IsString()
  STRIPE_TEST_PAYMENT_METHOD?: string;

  /** How often a Stripe event whose processing fails is tried before it is parked for an admin (booking_payment_webhook_events_parked_total). */
  @IsInt()
  @Min(1)
  @Max(50)
  STRIPE_EVENT_MAX_ATTEMPTS: number = 8;

  /** The first retry's delay after a failed Stripe event; each next one doubles, up to 5 minutes. */
  @IsInt()
  @Min(10)
  @Max(600_000)
  STRIPE_EVENT_RETRY_BASE_MS: number = 2_000;

  /** How often deferred captures and interrupted refunds are swept (both small sets: flags set only while there is work). */
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  PAYMENT_SWEEP_INTERVAL_MS: number = 30_000;

  /**
   * How often the hold monitor (every active hold: lapsed ones reconciled, those expiring within 24 h
   * announced, the hold gauges) and the payouts still due are swept. They read every held payment and
   * every unsettled payout, and nothing in them is urgent by the minute (holds last days, the warning
   * comes a day ahead), so less often than the small sweeps.
   */
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  PAYMENT_RECONCILE_INTERVAL_MS: number = 300_000;

  /**
   * How long a refund may stay in flight before the sweep takes it for abandoned (its caller crashed)
   * and finishes it with its stored key: longer than a Stripe call with the SDK's retries can last.
   */
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  PAYMENT_REFUND_RECOVERY_AFTER_MS: number = 120_000;

  /**
   * How long a processed Stripe event is kept after it was processed: a redelivery within it is
   * recognised by its id (Stripe retries a webhook for up to 3 days; processing is idempotent anyway).
   * Events waiting to be processed or parked for an admin are never deleted (docs/retention.md).
   */
  @IsInt()
  @Min(3)
  @Max(3650)
  STRIPE_EVENT_RETENTION_DAYS: number = 30;
}
