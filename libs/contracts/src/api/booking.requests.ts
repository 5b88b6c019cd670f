import { IsISO8601, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsTimeZone } from './time-zone.js';

export class CreateBookingRequest {
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  reservationId: string;

  @IsTimeZone()
  patientTimezone: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  patientNotes?: string;

  /** One of the patient's saved cards (pm_…); their default card when absent. */
  @IsOptional()
  @Matches(/^pm_[A-Za-z0-9_]{1,128}$/, { message: 'paymentMethodId must be a Stripe payment method id (pm_…)' })
  paymentMethodId?: string;
}

/** What the gateway sends booking-svc: the public request plus the patient's name from their token (never from the client). */
export class InternalCreateBookingRequest extends CreateBookingRequest {
  @IsOptional()
  @IsString()
  @MaxLength(100)
  patientName?: string;
}

export class ReasonRequest {
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class RescheduleRequest {
  @IsISO8601({ strict: true })
  startTime: string;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  message?: string;
}

/** An admin has dealt with what a booking was flagged for: what they did. */
export class AcknowledgeRequest {
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  note: string;
}

export class OverrideRequest {
  @IsString()
  @IsNotEmpty()
  status: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason: string;
}
