import { IsDateString, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Min } from 'class-validator';
import { REFUND_INITIATORS, type RefundInitiator } from './refund-payment.command.js';

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

/**
 * The card's bank wants the cardholder to authenticate (3-D Secure) before anything is held: the app
 * runs it with this client secret; Stripe's webhook then brings PaymentHoldPlaced or PaymentFailed.
 */
export class PaymentActionRequired {
  @IsString()
  @IsNotEmpty()
  bookingId: string;

  @IsString()
  @IsNotEmpty()
  paymentIntentId: string;

  @IsString()
  @IsNotEmpty()
  clientSecret: string;
}

export class PaymentHoldReleased {
  @IsString()
  @IsNotEmpty()
  bookingId: string;

  @IsString()
  @IsNotEmpty()
  paymentIntentId: string;

  /** Why: the release booking-svc asked for, or `expired` when the card authorisation lapsed. */
  @IsOptional()
  @IsString()
  reason?: string;
}

/** A hold lapses within 24 hours (hold monitor): booking-svc expires a request still waiting, or escalates. */
export class PaymentHoldExpiring {
  @IsString()
  @IsNotEmpty()
  bookingId: string;

  @IsString()
  @IsNotEmpty()
  paymentIntentId: string;

  @IsDateString()
  expiresAt: string;
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

  /** Whether everything captured has now been refunded. */
  @IsIn(['partial_refund', 'refunded'])
  paymentStatus: 'partial_refund' | 'refunded';

  @IsOptional()
  @IsIn(REFUND_INITIATORS)
  initiatedBy?: RefundInitiator;

  @IsOptional()
  @IsString()
  reason?: string;
}
