import 'reflect-metadata';
import type { FeatureFlagName } from '@bp/contracts';
import { type FlagSetting, evaluateFlag, rolloutBucket } from '@bp/messaging';
import { DEFAULT_BOOKING_SETTINGS } from '../domain/booking-settings.js';
import { type FlagReader, offeredBookingMode } from './offered-booking-mode.js';

/** The flags as an admin set them, evaluated exactly as every service evaluates them. */
const flags = (entries: [FeatureFlagName, FlagSetting][] = []): FlagReader => {
  const settings = new Map(entries);
  return { isEnabled: async (name, context) => evaluateFlag(name, settings, context) };
};
const provider = (id: string, calendarConnected: boolean) => ({ id, calendarConnected, settings: DEFAULT_BOOKING_SETTINGS });

describe('the booking mode a provider is offered in, after the feature flags', () => {
  it('follows the calendar when nothing is set: instant with one, request without', async () => {
    expect(await offeredBookingMode(provider('p-cal', true), flags())).toBe('instant');
    expect(await offeredBookingMode(provider('p-none', false), flags())).toBe('request');
  });

  it('falls back to request booking when instant booking is switched off, and to nothing when request mode is off too', async () => {
    const instantOff = flags([['booking.instant_mode_enabled', { enabled: false }]]);
    expect(await offeredBookingMode(provider('p-cal', true), instantOff)).toBe('request');
    const bothOff = flags([
      ['booking.instant_mode_enabled', { enabled: false }],
      ['booking.request_mode_enabled', { enabled: false }],
    ]);
    expect(await offeredBookingMode(provider('p-cal', true), bothOff)).toBeUndefined();
    expect(await offeredBookingMode(provider('p-none', false), bothOff)).toBeUndefined();
  });

  it('rolls request mode out by provider id, deterministically, with provider overrides first', async () => {
    const ids = Array.from({ length: 200 }, (_, i) => `provider-${i}`);
    const inside = ids.filter((id) => rolloutBucket('booking.request_mode_percentage', id) < 30);
    const rollout = flags([['booking.request_mode_percentage', { percentage: 30, providerOverrides: { [ids[0]!]: !inside.includes(ids[0]!) } }]]);
    for (const id of ids.slice(1)) expect(await offeredBookingMode(provider(id, false), rollout)).toBe(inside.includes(id) ? 'request' : undefined);
    expect(await offeredBookingMode(provider(ids[0]!, false), rollout)).toBe(inside.includes(ids[0]!) ? undefined : 'request'); // the override wins
    expect(await offeredBookingMode(provider(ids[5]!, true), rollout)).toBe('instant'); // the rollout is about request mode only
  });

  it('leaves nothing bookable in request mode while all bookings are disabled', async () => {
    expect(await offeredBookingMode(provider('p-none', false), flags([['booking.disable_all_bookings', { enabled: true }]]))).toBeUndefined();
  });
});
