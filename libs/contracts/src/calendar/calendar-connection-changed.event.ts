import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString } from 'class-validator';

/** A provider connected or disconnected a calendar: booking-svc switches them between instant and request. */
export class CalendarConnectionChanged {
  @IsString()
  @IsNotEmpty()
  providerId: string;

  @IsBoolean()
  connected: boolean;

  @IsOptional()
  @IsIn(['google', 'microsoft'])
  calendarProvider?: 'google' | 'microsoft';
}
