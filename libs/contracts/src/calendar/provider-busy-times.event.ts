import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDateString, IsNotEmpty, IsString, ValidateNested } from 'class-validator';

export class BusyTime {
  @IsDateString()
  start: string;

  @IsDateString()
  end: string;
}

/**
 * calendar-svc read a provider's external calendar: within [from, to) these are the busy times (all
 * of them: the set replaces what was known for that window).
 */
export class ProviderBusyTimesUpdated {
  @IsString()
  @IsNotEmpty()
  providerId: string;

  @IsDateString()
  from: string;

  @IsDateString()
  to: string;

  @IsArray()
  @ArrayMaxSize(5000)
  @ValidateNested({ each: true })
  @Type(() => BusyTime)
  busy: BusyTime[];
}
