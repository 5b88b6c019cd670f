import { createHash } from 'node:crypto';
import { FEATURE_FLAGS, type FeatureFlagChanged, type FeatureFlagName } from '@bp/contracts';

export type FlagSetting = Omit<FeatureFlagChanged, 'name'>;

export interface FlagContext {
  providerId?: string;
}

/** A provider's stable place in 0–99 for a flag: the same provider stays in or out as a rollout grows. */
export function rolloutBucket(flag: FeatureFlagName, providerId: string): number {
  return createHash('sha256').update(`${flag}:${providerId}`).digest().readUInt32BE(0) % 100;
}

/**
 * The spec's evaluation order: the all-bookings kill switch turns request mode off; then a provider
 * override; then the percentage rollout (deterministic by provider id); then the set value or the
 * default.
 */
export function evaluateFlag(name: FeatureFlagName, settings: ReadonlyMap<FeatureFlagName, FlagSetting>, context: FlagContext = {}): boolean {
  if (name === 'booking.request_mode_enabled' && evaluateFlag('booking.disable_all_bookings', settings)) return false;
  const setting = settings.get(name);
  const override = context.providerId ? setting?.providerOverrides?.[context.providerId] : undefined;
  if (typeof override === 'boolean') return override;
  const definition = FEATURE_FLAGS[name];
  if (definition.kind === 'percentage') {
    const percentage = setting?.percentage ?? definition.default;
    if (percentage >= 100) return true;
    if (percentage <= 0 || !context.providerId) return false;
    return rolloutBucket(name, context.providerId) < percentage;
  }
  return setting?.enabled ?? definition.default;
}
