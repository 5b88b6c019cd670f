import { IsInt, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';

export class AdminRefundRequest {
  /** Cents to refund; everything that remains when absent. */
  @IsOptional()
  @IsInt()
  @Min(1)
  amountCents?: number;

  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason: string;
}

export class PayoutAccountRequest {
  /** The provider's Stripe Connect account (acct_…). */
  @Matches(/^acct_[A-Za-z0-9]{1,64}$/, { message: 'stripeAccountId must be a Stripe Connect account id (acct_…)' })
  stripeAccountId: string;
}
