import { Type } from 'class-transformer';
import { IsArray, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { ScheduleFields } from './schedule.request.js';
import { ServiceRequest } from './service.request.js';
import { SettingsRequest } from './settings.request.js';

/** PUT /internal/providers/:id: the new profile (its id is the path's). */
export class CreateProviderRequest extends ScheduleFields {
  /** The name patients and admins see (the practice or the clinician). */
  @IsOptional()
  @IsString()
  @MaxLength(120)
  displayName?: string;

  @IsString()
  @MaxLength(64)
  timezone: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ServiceRequest)
  services: ServiceRequest[];

  @IsOptional()
  @ValidateNested()
  @Type(() => SettingsRequest)
  settings?: SettingsRequest;
}
