import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

// Shape only (400); formats, order and overlaps are the domain's rules (422 with every problem listed).

export class TimeWindowRequest {
  @IsString()
  @MaxLength(5)
  start: string;

  @IsString()
  @MaxLength(5)
  end: string;
}

/** A weekday's optional list of windows. */
const DayWindows = () =>
  applyDecorators(
    IsOptional(),
    IsArray(),
    ArrayMaxSize(48),
    ValidateNested({ each: true }),
    Type(() => TimeWindowRequest),
  );

/** ISO weekday (1 = Monday … 7 = Sunday) → windows; any other key is refused. */
export class WeeklyHoursRequest {
  @DayWindows() '1'?: TimeWindowRequest[];
  @DayWindows() '2'?: TimeWindowRequest[];
  @DayWindows() '3'?: TimeWindowRequest[];
  @DayWindows() '4'?: TimeWindowRequest[];
  @DayWindows() '5'?: TimeWindowRequest[];
  @DayWindows() '6'?: TimeWindowRequest[];
  @DayWindows() '7'?: TimeWindowRequest[];
}

export class DateOverrideRequest {
  @IsString()
  @MaxLength(10)
  date: string;

  @IsArray()
  @ArrayMaxSize(48)
  @ValidateNested({ each: true })
  @Type(() => TimeWindowRequest)
  windows: TimeWindowRequest[];
}

export class ScheduleFields {
  // ValidateNested alone lets a missing object through: booking-svc then failed (500) reading it.
  @IsObject()
  @ValidateNested()
  @Type(() => WeeklyHoursRequest)
  weeklyHours: WeeklyHoursRequest;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(400)
  @ValidateNested({ each: true })
  @Type(() => DateOverrideRequest)
  overrides?: DateOverrideRequest[];
}

export class ReplaceScheduleRequest extends ScheduleFields {
  /** Omitted: the provider's current time zone stays. */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timezone?: string;
}
