import { IsBoolean, IsInt, IsObject, IsOptional, Max, Min } from 'class-validator';

/** An admin's new setting of a flag: `enabled` for on/off flags, `percentage` for rollouts. */
export class FeatureFlagBody {
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  percentage?: number;

  /** Provider id → on/off, overriding the global value for that provider. */
  @IsOptional()
  @IsObject()
  providerOverrides?: Record<string, boolean>;
}
