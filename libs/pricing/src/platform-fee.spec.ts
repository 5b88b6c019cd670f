import fc from 'fast-check';
import { cancellationFee } from './cancellation-fee.js';
import { DEFAULT_FEE_POLICY, platformFee, providerPayout } from './platform-fee.js';

describe('platformFee', () => {
  it.each([
    // price, fee: the spec's 10 % + 150 cents, capped at 3,500
    [0, 0],
    [100, 100], // a price below the flat part owes no more than itself
    [150, 150],
    [1_000, 250],
    [1_005, 251], // 100.5 rounds half up
    [1_004, 250], // 100.4 rounds down
    [10_000, 1_150],
    [33_500, 3_500], // exactly at the cap
    [33_600, 3_500],
    [1_000_000, 3_500],
  ])('charges %i cents a fee of %i cents', (price, fee) => {
    expect(platformFee(price).calculatedFeeCents).toBe(fee);
  });

  it('follows a configured policy', () => {
    expect(platformFee(10_000, { percentage: 5, flatFeeCents: 0, maxFeeCents: 400 })).toEqual({
      percentage: 5,
      flatFeeCents: 0,
      maxFeeCents: 400,
      calculatedFeeCents: 400,
    });
  });

  it('is whole cents, within [0, min(price, cap)], monotonic in the price, and leaves the rest to the provider', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 10_000 }), (price, more) => {
        const fee = platformFee(price).calculatedFeeCents;
        expect(Number.isInteger(fee)).toBe(true);
        expect(fee).toBeGreaterThanOrEqual(0);
        expect(fee).toBeLessThanOrEqual(Math.min(price, DEFAULT_FEE_POLICY.maxFeeCents));
        expect(platformFee(price + more).calculatedFeeCents).toBeGreaterThanOrEqual(fee);
        expect(providerPayout(price, { calculatedFeeCents: fee }) + fee).toBe(price);
      }),
    );
  });

  it('refuses a price that is not whole non-negative cents', () => {
    expect(() => platformFee(-1)).toThrow(RangeError);
    expect(() => platformFee(10.5)).toThrow(RangeError);
  });
});

describe('cancellationFee', () => {
  const start = new Date('2030-01-10T10:00:00Z');
  it('applies the percentage inside the notice window only', () => {
    expect(cancellationFee(10_000, 50, start, 24, new Date('2030-01-09T11:00:00Z'))).toBe(5_000);
    expect(cancellationFee(10_000, 50, start, 24, new Date('2030-01-09T10:00:00Z'))).toBe(0);
    expect(cancellationFee(999, 33, start, 24, new Date('2030-01-10T09:00:00Z'))).toBe(330);
  });
});
