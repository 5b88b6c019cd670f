import { Injectable } from '@nestjs/common';
import type { FlagContext } from '@bp/messaging';
import type { FeatureFlagName } from '@bp/contracts';
import { FeatureFlags } from '@bp/messaging';
import type { BookingMode } from '../domain/booking-settings.js';
import { type Provider, bookingMode } from '../domain/provider.js';
import { BookingError, BookingErrorCode } from '../../shared/domain/booking-error.js';

/** The part of FeatureFlags this policy reads (the real flags in the service; their evaluation in unit tests). */
export interface FlagReader {
  isEnabled(name: FeatureFlagName, context?: FlagContext): Promise<boolean>;
}

/**
 * How a provider can be booked right now, after the spec's flags: instant when their calendar makes
 * them instant and `booking.instant_mode_enabled` holds for them; otherwise request booking when
 * `booking.request_mode_enabled` and the `booking.request_mode_percentage` rollout (deterministic by
 * provider id, provider overrides first) include them; otherwise not bookable (undefined). With
 * instant booking switched off, a calendar-connected provider falls back to request booking rather
 * than disappearing.
 */
export async function offeredBookingMode(
  provider: Pick<Provider, 'id' | 'settings' | 'calendarConnected'>,
  flags: FlagReader,
): Promise<BookingMode | undefined> {
  const context = { providerId: provider.id };
  if (bookingMode(provider) === 'instant' && (await flags.isEnabled('booking.instant_mode_enabled', context))) return 'instant';
  const requestMode = (await flags.isEnabled('booking.request_mode_enabled', context)) && (await flags.isEnabled('booking.request_mode_percentage', context));
  return requestMode ? 'request' : undefined;
}

@Injectable()
export class OfferedBookingMode {
  constructor(private readonly flags: FeatureFlags) {}

  of(provider: Pick<Provider, 'id' | 'settings' | 'calendarConnected'>): Promise<BookingMode | undefined> {
    return offeredBookingMode(provider, this.flags);
  }
}

/** The flags leave this provider no way to be booked now (request mode off or outside its rollout, and no instant booking). */
export function notBookable(): BookingError {
  return new BookingError(BookingErrorCode.BookingModeUnavailable, 'This provider cannot be booked through the app right now');
}
