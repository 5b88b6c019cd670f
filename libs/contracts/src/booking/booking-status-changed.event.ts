import { Type } from 'class-transformer';
import { IsBoolean, IsDateString, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Min, ValidateNested } from 'class-validator';

export class PaymentAction {
  @IsString()
  @IsNotEmpty()
  clientSecret: string;

  @IsDateString()
  expiresAt: string;
}

/**
 * Every change of a booking's status (creation included, with no previous status): the one event
 * consumers need to follow a booking — notifications, scheduler deadlines, calendar sync, live updates.
 */
export class BookingStatusChanged {
  @IsString()
  @IsNotEmpty()
  bookingId: string;

  @IsString()
  @IsNotEmpty()
  bookingNumber: string;

  @IsString()
  @IsNotEmpty()
  patientId: string;

  @IsString()
  @IsNotEmpty()
  providerId: string;

  @IsIn(['instant', 'request'])
  bookingType: 'instant' | 'request';

  @IsOptional()
  @IsString()
  previousStatus?: string;

  @IsString()
  @IsNotEmpty()
  status: string;

  /** The audit entry's type: created, confirmed, declined, expired, cancelled, reschedule_proposed, … */
  @IsString()
  @IsNotEmpty()
  reason: string;

  @IsDateString()
  startTime: string;

  @IsDateString()
  endTime: string;

  @IsString()
  @IsNotEmpty()
  providerTimezone: string;

  @IsString()
  @IsNotEmpty()
  patientTimezone: string;

  /**
   * With reason `expired`: what lapsed — the provider's answer (confirmation), the patient's answer to
   * a new time (reschedule_response), the card's authorisation (payment_hold), the time to pay
   * again after a failed payment (payment_retry), or to authenticate the payment (payment_action).
   */
  @IsOptional()
  @IsIn(['confirmation', 'reschedule_response', 'payment_hold', 'payment_retry', 'payment_action'])
  lapse?: 'confirmation' | 'reschedule_response' | 'payment_hold' | 'payment_retry' | 'payment_action';

  /**
   * With reason `payment_action_required`: what the patient's app needs to run 3-D Secure. The gateway
   * passes it to the booking's patient only.
   */
  @IsOptional()
  @ValidateNested()
  @Type(() => PaymentAction)
  paymentAction?: PaymentAction;

  /** A request auto-confirm takes for the provider: they are told of a booking, not asked to answer a request. */
  @IsOptional()
  @IsBoolean()
  autoConfirm?: boolean;

  /**
   * The running deadline: the provider's answer (pending_confirmation), the patient's answer to a new
   * time (reschedule_proposed), the patient's payment after a failure (payment_failed).
   */
  @IsOptional()
  @IsDateString()
  deadline?: string;

  /**
   * Once the provider has answered a request: when it reached them and when they answered (confirmed,
   * declined or proposed another time). The provider's response-time figures are worked out from
   * these, so a consumer never has to read the booking back.
   */
  @IsOptional()
  @IsDateString()
  requestedAt?: string;

  @IsOptional()
  @IsDateString()
  respondedAt?: string;

  @IsInt()
  @Min(0)
  priceCents: number;

  @IsString()
  @IsNotEmpty()
  currency: string;
}
