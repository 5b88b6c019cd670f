import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Length, Max, Min, ValidateNested } from 'class-validator';

/** The fee rule booking-svc priced the booking with (libs/pricing FeePolicy), so payment-svc records the same breakdown. */
export class FeePolicyTerms {
  @IsInt()
  @Min(0)
  @Max(100)
  percentage: number;

  @IsInt()
  @Min(0)
  flatFeeCents: number;

  @IsInt()
  @Min(0)
  maxFeeCents: number;
}

/** Asks payment-svc to authorise the patient's card for a booking (manual capture: a hold, not a charge). */
export class PlacePaymentHold {
  @IsString()
  @IsNotEmpty()
  bookingId: string;

  @IsString()
  @IsNotEmpty()
  patientId: string;

  @IsString()
  @IsNotEmpty()
  providerId: string;

  @IsInt()
  @Min(0)
  amountCents: number;

  @IsString()
  @Length(3, 3)
  currency: string;

  /** The platform fee shown to the patient when the booking was made: what the platform keeps of the payment. */
  @IsInt()
  @Min(0)
  platformFeeCents: number;

  /** The rule that fee came from; absent from older senders (payment-svc then records the default policy's terms). */
  @IsOptional()
  @ValidateNested()
  @Type(() => FeePolicyTerms)
  feePolicy?: FeePolicyTerms;

  /** instant bookings are captured right after the hold; request bookings when the provider confirms. */
  @IsIn(['instant', 'request'])
  bookingType: 'instant' | 'request';

  /** The booking number: the Stripe transfer group of the booking's charge and payout. */
  @IsOptional()
  @IsString()
  bookingNumber?: string;

  /** The patient's saved card the booking pays with (pm_…); their default card when absent. payment-svc finds their Stripe customer. */
  @IsOptional()
  @IsString()
  paymentMethodId?: string;
}
