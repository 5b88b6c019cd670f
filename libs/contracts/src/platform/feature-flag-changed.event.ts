import { IsIn } from 'class-validator';
import { FeatureFlagBody } from '../api/feature-flag.request.js';
import { FEATURE_FLAG_NAMES, type FeatureFlagName } from './feature-flag-names.js';

/**
 * The whole current setting of one flag (keyed by its name on a compacted topic, so the latest
 * setting of every flag is what a new reader finds): the admin's setting (`enabled` for on/off flags,
 * `percentage` for rollouts, `providerOverrides` for single providers) and the flag's name.
 */
export class FeatureFlagChanged extends FeatureFlagBody {
  @IsIn(FEATURE_FLAG_NAMES)
  name: FeatureFlagName;
}
