/** How the platform's fee is computed: a percentage of the price plus a flat part, capped. All in minor units. */
export interface FeePolicy {
  percentage: number;
  flatFeeCents: number;
  maxFeeCents: number;
}

export interface PlatformFee extends FeePolicy {
  calculatedFeeCents: number;
}

/** The spec's default: 10 % + 150 cents, capped at 3,500 cents. */
export const DEFAULT_FEE_POLICY: FeePolicy = { percentage: 10, flatFeeCents: 150, maxFeeCents: 3500 };

/**
 * The platform fee of a price: round-half-up of the percentage, plus the flat part, at most the cap,
 * and never more than the price itself (a tiny price cannot owe more than it brings in).
 */
export function platformFee(priceCents: number, policy: FeePolicy = DEFAULT_FEE_POLICY): PlatformFee {
  if (!Number.isInteger(priceCents) || priceCents < 0) throw new RangeError(`price must be a non-negative integer number of cents (got ${priceCents})`);
  const percentagePart = Math.round((priceCents * policy.percentage) / 100);
  const calculated = Math.min(percentagePart + policy.flatFeeCents, policy.maxFeeCents, priceCents);
  return { ...policy, calculatedFeeCents: calculated };
}

/** What the provider is paid out of a captured amount once the platform's fee is kept. */
export function providerPayout(capturedCents: number, fee: Pick<PlatformFee, 'calculatedFeeCents'>): number {
  return Math.max(0, capturedCents - fee.calculatedFeeCents);
}
