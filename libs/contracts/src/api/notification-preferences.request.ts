import { Type } from 'class-transformer';
import { ArrayMaxSize, IsBoolean, IsEmail, IsIn, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { IsTimeZone } from './time-zone.js';

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;

export class ChannelPreferencesRequest {
  @IsOptional() @IsBoolean() email?: boolean;
  @IsOptional() @IsBoolean() push?: boolean;
  @IsOptional() @IsBoolean() sms?: boolean;
}

export class QuietHoursRequest {
  @IsOptional() @IsBoolean() enabled?: boolean;
  /** Local time the quiet window starts, HH:MM. */
  @IsOptional() @Matches(CLOCK, { message: 'start must be HH:MM' }) start?: string;
  @IsOptional() @Matches(CLOCK, { message: 'end must be HH:MM' }) end?: string;
  /** The zone the window is in (the person's own). */
  @IsOptional() @IsTimeZone() timezone?: string;
}

export class FrequencyRequest {
  @IsOptional() @IsIn(['immediate', 'hourly', 'daily']) newBookingRequest?: 'immediate' | 'hourly' | 'daily';
  @IsOptional() @IsBoolean() expiringReminder?: boolean;
}

/** The caller's own notification preferences and contacts; every field optional (a partial change). */
export class NotificationPreferencesRequest {
  @IsOptional() @IsEmail() @MaxLength(254) email?: string;
  @IsOptional() @Matches(/^\+[1-9]\d{6,14}$/, { message: 'phone must be in E.164 form, like +14155550100' }) phone?: string;
  @IsOptional() @ArrayMaxSize(10) @IsString({ each: true }) @MaxLength(4096, { each: true }) pushTokens?: string[];
  @IsOptional() @Matches(/^[a-z]{2}(-[A-Z]{2})?$/, { message: 'locale must look like en or en-US' }) locale?: string;
  @IsOptional() @ValidateNested() @Type(() => ChannelPreferencesRequest) channels?: ChannelPreferencesRequest;
  @IsOptional() @ValidateNested() @Type(() => QuietHoursRequest) quietHours?: QuietHoursRequest;
  @IsOptional() @ValidateNested() @Type(() => FrequencyRequest) frequency?: FrequencyRequest;
}
