import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { BOOKING_STATUS_VALUES } from '../booking/booking-statuses.js';

export class BookingListRequest {
  @IsOptional()
  @IsIn(BOOKING_STATUS_VALUES, { each: true })
  @Type(() => String)
  status?: string[];

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

/** The admin list's filters on top of status and paging. */
export class AdminBookingListRequest extends BookingListRequest {
  @IsOptional()
  @IsIn(['instant', 'request'])
  type?: 'instant' | 'request';

  @IsOptional()
  @IsString()
  @MaxLength(64)
  providerId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  patientId?: string;

  /** Appointments starting at or after this instant. */
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  /** Appointments starting before this instant. */
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}
