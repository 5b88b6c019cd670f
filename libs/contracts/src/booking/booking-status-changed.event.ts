import { IsDateString, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Min } from 'class-validator';

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

  /** The provider's response deadline while one runs (pending_confirmation, reschedule_proposed). */
  @IsOptional()
  @IsDateString()
  deadline?: string;

  @IsInt()
  @Min(0)
  priceCents: number;

  @IsString()
  @IsNotEmpty()
  currency: string;
}
