import { DEFAULT_PREFERENCES, type RecipientPreferences } from './preferences.js';
import { sendAfter } from './quiet-hours.js';

const quiet = (start: string, end: string, timezone?: string): RecipientPreferences => ({
  ...DEFAULT_PREFERENCES,
  quietHours: { enabled: true, start, end, ...(timezone ? { timezone } : {}) },
});

describe('sendAfter (quiet hours)', () => {
  it('holds a message sent inside a window across midnight until the window ends, in the recipient’s zone', () => {
    // 23:30 in Berlin (22:30 UTC in winter): held until 07:00 Berlin, 06:00 UTC.
    expect(sendAfter(quiet('22:00', '07:00', 'Europe/Berlin'), 'UTC', new Date('2030-01-15T22:30:00Z'), false)).toEqual(new Date('2030-01-16T06:00:00Z'));
    // 02:00 Berlin, the same night after midnight: still 07:00 that morning.
    expect(sendAfter(quiet('22:00', '07:00', 'Europe/Berlin'), 'UTC', new Date('2030-01-16T01:00:00Z'), false)).toEqual(new Date('2030-01-16T06:00:00Z'));
  });

  it('uses the booking’s zone for the recipient when they gave none, and the same clock means a different instant elsewhere', () => {
    const now = new Date('2030-01-15T05:00:00Z'); // 22:00 in Denver (MST), 06:00 in Berlin
    expect(sendAfter(quiet('21:00', '08:00'), 'America/Denver', now, false)).toEqual(new Date('2030-01-15T15:00:00Z'));
    expect(sendAfter(quiet('21:00', '08:00'), 'Europe/Berlin', now, false)).toEqual(new Date('2030-01-15T07:00:00Z'));
  });

  it('sends at once outside the window, for urgent messages, and when quiet hours are off or empty', () => {
    const day = new Date('2030-01-15T12:00:00Z');
    expect(sendAfter(quiet('22:00', '07:00', 'Europe/Berlin'), 'UTC', day, false)).toBeUndefined();
    expect(sendAfter(quiet('22:00', '07:00', 'Europe/Berlin'), 'UTC', new Date('2030-01-15T22:30:00Z'), true)).toBeUndefined();
    expect(sendAfter(DEFAULT_PREFERENCES, 'UTC', new Date('2030-01-15T22:30:00Z'), false)).toBeUndefined();
    expect(sendAfter(quiet('09:00', '09:00'), 'UTC', day, false)).toBeUndefined();
  });

  it('handles a daytime window and the day daylight time starts', () => {
    expect(sendAfter(quiet('12:00', '14:00', 'UTC'), 'UTC', new Date('2030-01-15T12:30:00Z'), false)).toEqual(new Date('2030-01-15T14:00:00Z'));
    // Berlin springs forward on 31 March 2030: 07:00 that morning is 05:00 UTC.
    expect(sendAfter(quiet('22:00', '07:00', 'Europe/Berlin'), 'UTC', new Date('2030-03-30T23:00:00Z'), false)).toEqual(new Date('2030-03-31T05:00:00Z'));
  });
});
