import { IsDateString, IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class CalendarConnectRequest {
  /** Which calendar to connect. */
  @IsIn(['google', 'microsoft'])
  calendarProvider: 'google' | 'microsoft';
}

/** What the calendar's consent screen redirected back with. */
export class CalendarCallbackRequest {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  state: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  code: string;
}

/** A slot to look up on the provider's calendar (internal: booking-svc before a capture). */
export class AvailabilityCheckRequest {
  @IsDateString()
  start: string;

  @IsDateString()
  end: string;
}
