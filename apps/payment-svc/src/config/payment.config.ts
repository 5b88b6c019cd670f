import { IsOptional, IsString, IsUrl, Matches } from 'class-validator';
import { DatabaseServiceConfig } from '@bp/platform';

export class PaymentConfig extends DatabaseServiceConfig {
  override PORT = 3002;
  override MONGO_DB = 'payment';

  /** Stripe secret key (sk_live_… in production, sk_test_… elsewhere). Never logged. */
  @Matches(/^(sk|rk)_(test|live)_[A-Za-z0-9]+$/, { message: 'STRIPE_SECRET_KEY must be a Stripe secret or restricted key' })
  STRIPE_SECRET_KEY: string;

  /** Signing secret of the webhook endpoint (whsec_…). */
  @Matches(/^whsec_[A-Za-z0-9]+$/, { message: 'STRIPE_WEBHOOK_SECRET must be a webhook signing secret (whsec_…)' })
  STRIPE_WEBHOOK_SECRET: string;

  /** Where the Stripe SDK sends requests: unset for Stripe itself; stripe-mock or a local fake in development and tests. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  STRIPE_API_BASE?: string;

  @IsOptional()
  @IsString()
  STRIPE_CONNECT_DEFAULT_ACCOUNT?: string;
}
