import type { Actor } from '@bp/platform';
import { BookingError, BookingErrorCode } from '../../shared/domain/booking-error.js';
import type { BookingSettings } from '../domain/booking-settings.js';
import type { SettingsChange } from '../domain/provider.js';

/** Who may manage a provider profile: the provider themselves, or an admin. */
export function isOwnerOrAdmin(actor: Actor, providerId: string): boolean {
  return actor.type === 'admin' || (actor.type === 'provider' && actor.id === providerId);
}

export function assertMayManage(actor: Actor, providerId: string): void {
  if (!isOwnerOrAdmin(actor, providerId)) {
    throw new BookingError(BookingErrorCode.Forbidden, 'Only the provider themselves or an admin may change this provider profile');
  }
}

/**
 * The booking mode follows the calendar unless an admin fixed it: only an admin may change `mode` or
 * `modeOverride`. Repeating the current value is no change (a client may send the settings it read).
 */
export function assertMayChangeMode(actor: Actor, current: Pick<BookingSettings, 'mode' | 'modeOverride'>, change: SettingsChange): void {
  if (actor.type === 'admin') return;
  const changesMode = change.mode !== undefined && change.mode !== current.mode;
  const changesOverride = change.modeOverride !== undefined && change.modeOverride !== current.modeOverride;
  if (changesMode || changesOverride) {
    throw new BookingError(BookingErrorCode.Forbidden, 'Only an admin may change the booking mode (mode, modeOverride)');
  }
}
