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

/** A Stripe PaymentMethod id (pm_…) of one of the patient's saved cards. */
const PAYMENT_METHOD_ID = /^pm_[A-Za-z0-9_]{1,128}$/;

export class CardChoiceRequest {
  @Matches(PAYMENT_METHOD_ID, { message: 'paymentMethodId must be a Stripe payment method id (pm_…)' })
  paymentMethodId: string;
}

/** retry-payment: optionally with another of the patient's cards. */
export class RetryPaymentRequest {
  @IsOptional()
  @Matches(PAYMENT_METHOD_ID, { message: 'paymentMethodId must be a Stripe payment method id (pm_…)' })
  paymentMethodId?: string;
}
