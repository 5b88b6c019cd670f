import { IsDateString, IsIn, IsInt, IsNotEmpty, IsString, Min } from 'class-validator';

/** The card is authorised for the booking's amount; the hold lapses at `expiresAt` (Stripe: 7 days). */
export class PaymentHoldPlaced {
  @IsString()
  @IsNotEmpty()
  bookingId: string;

  @IsString()
  @IsNotEmpty()
  paymentIntentId: string;

  @IsInt()
  @Min(0)
  amountCents: number;

  @IsDateString()
  expiresAt: string;
}

export class PaymentCaptured {
  @IsString()
  @IsNotEmpty()
  bookingId: string;

  @IsString()
  @IsNotEmpty()
  paymentIntentId: string;

  @IsInt()
  @Min(0)
  amountCents: number;
}

export class PaymentFailed {
  @IsString()
  @IsNotEmpty()
  bookingId: string;

  @IsIn(['hold', 'capture'])
  stage: 'hold' | 'capture';

  @IsString()
  @IsNotEmpty()
  reason: string;
}

export class PaymentHoldReleased {
  @IsString()
  @IsNotEmpty()
  bookingId: string;

  @IsString()
  @IsNotEmpty()
  paymentIntentId: string;
}

export class PaymentRefunded {
  @IsString()
  @IsNotEmpty()
  bookingId: string;

  @IsString()
  @IsNotEmpty()
  refundId: string;

  @IsInt()
  @Min(1)
  amountCents: number;

  /** Everything refunded so far for the booking. */
  @IsInt()
  @Min(0)
  totalRefundedCents: number;
}
