import { DateTime } from 'luxon';
import type { RecipientPreferences } from './preferences.js';

function minutesOf(clock: string): number {
  const [h, m] = clock.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/**
 * When a non-urgent message may go out: now, or the end of the recipient's quiet window when now is
 * inside it. The window is in the recipient's own zone (theirs, else the one of the booking) and may
 * cross midnight (22:00–07:00). Urgent messages are never held.
 */
export function sendAfter(preferences: RecipientPreferences, fallbackZone: string, now: Date, urgent: boolean): Date | undefined {
  const quiet = preferences.quietHours;
  if (urgent || !quiet.enabled || !quiet.start || !quiet.end || quiet.start === quiet.end) return undefined;
  const local = DateTime.fromJSDate(now, { zone: quiet.timezone ?? fallbackZone });
  const minute = local.hour * 60 + local.minute;
  const [start, end] = [minutesOf(quiet.start), minutesOf(quiet.end)];
  const crossesMidnight = start > end;
  const inside = crossesMidnight ? minute >= start || minute < end : minute >= start && minute < end;
  if (!inside) return undefined;
  // Wall-clock time, not elapsed minutes: on a daylight-saving day the two differ by an hour.
  const endToday = local.set({ hour: Math.floor(end / 60), minute: end % 60, second: 0, millisecond: 0 });
  const ends = endToday > local ? endToday : endToday.plus({ days: 1 });
  return ends.toJSDate();
}
