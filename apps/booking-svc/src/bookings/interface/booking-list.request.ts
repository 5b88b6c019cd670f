import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { BOOKING_STATUSES } from '../domain/booking-status.js';

export class BookingListRequest {
  @IsOptional()
  @IsIn(BOOKING_STATUSES, { each: true })
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

export function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): { createdAt: Date; id: string } | undefined {
  if (!cursor) return undefined;
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(createdAt);
    return Number.isNaN(date.getTime()) || typeof id !== 'string' ? undefined : { createdAt: date, id };
  } catch {
    return undefined;
  }
}
