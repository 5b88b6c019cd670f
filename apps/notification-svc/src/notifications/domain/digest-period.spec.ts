import { digestPeriod } from './digest-period.js';
import { nextAttemptAt } from './retry-policy.js';

const period = (frequency: 'hourly' | 'daily', zone: string, at: string) => {
  const { start, end } = digestPeriod(frequency, zone, new Date(at));
  return { start: start.toISOString(), end: end.toISOString() };
};

describe('digestPeriod', () => {
  it('puts an hourly request in its local clock hour, which is not the UTC hour in a half-hour zone', () => {
    expect(period('hourly', 'America/Denver', '2030-01-15T17:42:10.500Z')).toEqual({ start: '2030-01-15T17:00:00.000Z', end: '2030-01-15T18:00:00.000Z' });
    // 15:45 in Kolkata (UTC+05:30): the 15:00–16:00 local hour is 09:30–10:30 UTC.
    expect(period('hourly', 'Asia/Kolkata', '2030-01-15T10:15:00Z')).toEqual({ start: '2030-01-15T09:30:00.000Z', end: '2030-01-15T10:30:00.000Z' });
  });

  it('makes the hour that repeats when clocks go back two hourly periods, and the period before a spring-forward end when the next begins', () => {
    // New York, 3 November 2030: 01:00–02:00 happens at -04:00 (05:00Z) and again at -05:00 (06:00Z).
    expect(period('hourly', 'America/New_York', '2030-11-03T05:30:00Z')).toEqual({ start: '2030-11-03T05:00:00.000Z', end: '2030-11-03T06:00:00.000Z' });
    expect(period('hourly', 'America/New_York', '2030-11-03T06:30:00Z')).toEqual({ start: '2030-11-03T06:00:00.000Z', end: '2030-11-03T07:00:00.000Z' });
    // 10 March 2030: 02:00 does not exist; 01:30 EST belongs to 01:00–03:00 EDT, one hour long.
    expect(period('hourly', 'America/New_York', '2030-03-10T06:30:00Z')).toEqual({ start: '2030-03-10T06:00:00.000Z', end: '2030-03-10T07:00:00.000Z' });
    expect(period('hourly', 'America/New_York', '2030-03-10T07:10:00Z')).toEqual({ start: '2030-03-10T07:00:00.000Z', end: '2030-03-10T08:00:00.000Z' });
  });

  it('runs a daily period from one local 08:00 to the next, before 08:00 belonging to the day before', () => {
    // 07:59 in Berlin (winter, UTC+1) is still the previous day's period.
    expect(period('daily', 'Europe/Berlin', '2030-01-15T06:59:00Z')).toEqual({ start: '2030-01-14T07:00:00.000Z', end: '2030-01-15T07:00:00.000Z' });
    expect(period('daily', 'Europe/Berlin', '2030-01-15T07:00:00Z')).toEqual({ start: '2030-01-15T07:00:00.000Z', end: '2030-01-16T07:00:00.000Z' });
  });

  it('makes the daily period of a daylight-saving day 23 or 25 hours long, ending at 08:00 local', () => {
    // Berlin springs forward on 31 March 2030: 08:00 on the 30th is 07:00Z, on the 31st 06:00Z (23 hours).
    expect(period('daily', 'Europe/Berlin', '2030-03-30T20:00:00Z')).toEqual({ start: '2030-03-30T07:00:00.000Z', end: '2030-03-31T06:00:00.000Z' });
    // Denver falls back on 3 November 2030: 08:00 on the 2nd is 14:00Z (MDT), on the 3rd 15:00Z (MST): 25 hours.
    expect(period('daily', 'America/Denver', '2030-11-03T03:00:00Z')).toEqual({ start: '2030-11-02T14:00:00.000Z', end: '2030-11-03T15:00:00.000Z' });
  });

  it('gives every instant exactly one period, back to back, across a whole daylight-saving week', () => {
    for (const frequency of ['hourly', 'daily'] as const) {
      let at = new Date('2030-10-23T00:00:00Z'); // Berlin falls back on 27 October 2030
      let previous = digestPeriod(frequency, 'Europe/Berlin', at);
      for (let step = 0; step < 7 * 24 * 4; step++) {
        at = new Date(at.getTime() + 15 * 60_000);
        const current = digestPeriod(frequency, 'Europe/Berlin', at);
        expect(current.start <= at && at < current.end).toBe(true);
        if (current.start.getTime() !== previous.start.getTime()) expect(current.start).toEqual(previous.end);
        previous = current;
      }
    }
  });
});

describe('nextAttemptAt', () => {
  const policy = { maxAttempts: 4, baseMs: 1_000 };
  const now = new Date('2030-01-01T00:00:00Z');

  it('doubles the wait after each failed attempt and stops after the last', () => {
    expect(nextAttemptAt(1, policy, false, now)).toEqual(new Date('2030-01-01T00:00:01Z'));
    expect(nextAttemptAt(2, policy, false, now)).toEqual(new Date('2030-01-01T00:00:02Z'));
    expect(nextAttemptAt(3, policy, false, now)).toEqual(new Date('2030-01-01T00:00:04Z'));
    expect(nextAttemptAt(4, policy, false, now)).toBeUndefined();
  });

  it('does not retry a permanent failure, and never waits more than an hour', () => {
    expect(nextAttemptAt(1, policy, true, now)).toBeUndefined();
    expect(nextAttemptAt(19, { maxAttempts: 20, baseMs: 60_000 }, false, now)).toEqual(new Date('2030-01-01T01:00:00Z'));
  });
});
