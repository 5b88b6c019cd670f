import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsTimeZone } from './time-zone.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class AvailabilityRequest {
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  serviceId: string;

  @Matches(DATE, { message: 'from must be a date (YYYY-MM-DD)' })
  from: string;

  @Matches(DATE, { message: 'to must be a date (YYYY-MM-DD)' })
  to: string;

  /** The requester's zone for the third rendering of each slot; the provider's when absent. */
  @IsOptional()
  @IsTimeZone()
  timezone?: string;
}
