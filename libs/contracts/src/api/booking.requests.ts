import { IsISO8601, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
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

export class OverrideRequest {
  @IsString()
  @IsNotEmpty()
  status: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason: string;
}
