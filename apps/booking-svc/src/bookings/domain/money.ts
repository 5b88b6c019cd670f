import type { PlatformFee } from './booking.js';

export interface FeePolicy {
  percentage: number;
  flatFeeCents: number;
  maxFeeCents: number;
}

/** The spec's platform fee: 10 % + 150 cents, capped at 3,500 cents (configurable), in whole cents. */
export function platformFee(priceCents: number, policy: FeePolicy): PlatformFee {
  const calculated = Math.min(Math.round((priceCents * policy.percentage) / 100) + policy.flatFeeCents, policy.maxFeeCents);
  return { ...policy, calculatedFeeCents: Math.max(0, calculated) };
}

/** The share of the price kept when a patient cancels inside the provider's notice window. */
export function cancellationFee(priceCents: number, feePercent: number, start: Date, noticeHours: number, now: Date): number {
  const insideNotice = start.getTime() - now.getTime() < noticeHours * 3_600_000;
  return insideNotice ? Math.round((priceCents * feePercent) / 100) : 0;
}
