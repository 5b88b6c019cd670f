import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, Max, Min } from 'class-validator';
import { FEATURE_FLAG_NAMES, type FeatureFlagName } from './feature-flag-names.js';

/**
 * The whole current setting of one flag (keyed by its name on a compacted topic, so the latest
 * setting of every flag is what a new reader finds). Boolean flags use `enabled`, rollout flags
 * `percentage`; `providerOverrides` pins the flag on or off for single providers.
 */
export class FeatureFlagChanged {
  @IsIn(FEATURE_FLAG_NAMES)
  name: FeatureFlagName;

  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  percentage?: number;

  @IsOptional()
  @IsObject()
  providerOverrides?: Record<string, boolean>;
}
