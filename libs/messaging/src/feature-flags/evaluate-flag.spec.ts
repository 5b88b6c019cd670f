import 'reflect-metadata';
import type { FeatureFlagName } from '@bp/contracts';
import { type FlagSetting, evaluateFlag, rolloutBucket } from './evaluate-flag.js';

const settings = (entries: [FeatureFlagName, FlagSetting][]) => new Map(entries);

describe('evaluateFlag', () => {
  it('answers the spec defaults when nothing is set', () => {
    const none = settings([]);
    expect(evaluateFlag('payment.disable_captures', none)).toBe(false);
    expect(evaluateFlag('booking.disable_all_bookings', none)).toBe(false);
    expect(evaluateFlag('booking.instant_mode_enabled', none)).toBe(true);
    expect(evaluateFlag('booking.request_mode_percentage', none, { providerId: 'p-1' })).toBe(true);
  });

  it('answers the set value of a boolean flag', () => {
    expect(evaluateFlag('payment.disable_captures', settings([['payment.disable_captures', { enabled: true }]]))).toBe(true);
  });

  it('turns request mode off while all bookings are disabled, whatever else is set', () => {
    const flags = settings([
      ['booking.disable_all_bookings', { enabled: true }],
      ['booking.request_mode_enabled', { enabled: true, providerOverrides: { 'p-1': true } }],
    ]);
    expect(evaluateFlag('booking.request_mode_enabled', flags, { providerId: 'p-1' })).toBe(false);
  });

  it('lets a provider override win over the global value', () => {
    const flags = settings([['booking.instant_mode_enabled', { enabled: false, providerOverrides: { 'p-7': true } }]]);
    expect(evaluateFlag('booking.instant_mode_enabled', flags, { providerId: 'p-7' })).toBe(true);
    expect(evaluateFlag('booking.instant_mode_enabled', flags, { providerId: 'p-8' })).toBe(false);
  });

  it('rolls a percentage out deterministically by provider, and a provider once in stays in as it grows', () => {
    const providers = Array.from({ length: 2000 }, (_, i) => `provider-${i}`);
    const at = (percentage: number) =>
      new Set(
        providers.filter((providerId) =>
          evaluateFlag('booking.request_mode_percentage', settings([['booking.request_mode_percentage', { percentage }]]), { providerId }),
        ),
      );
    const ten = at(10);
    const fifty = at(50);
    expect(ten.size).toBeGreaterThan(140);
    expect(ten.size).toBeLessThan(260);
    expect(fifty.size).toBeGreaterThan(900);
    expect(fifty.size).toBeLessThan(1100);
    expect([...ten].every((p) => fifty.has(p))).toBe(true);
    expect(at(0).size).toBe(0);
    expect(at(100).size).toBe(providers.length);
    expect(rolloutBucket('booking.request_mode_percentage', 'provider-1')).toBe(rolloutBucket('booking.request_mode_percentage', 'provider-1'));
  });

  it('keeps a partial rollout off when there is no provider to place', () => {
    expect(evaluateFlag('booking.request_mode_percentage', settings([['booking.request_mode_percentage', { percentage: 99 }]]))).toBe(false);
  });
});
