import fc from 'fast-check';
import { DateTime } from 'luxon';
import { addDays, isoWeekday, localDateOf, localToUtc } from './zone-time.js';

const ZONES = ['America/Denver', 'Europe/Berlin', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'America/St_Johns', 'Pacific/Chatham', 'UTC'];

describe('zone time', () => {
  it('gives the first instant at which each wall time that happens shows on the clock', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2031-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 287 }),
        (zone, day, fiveMinutes) => {
          const date = day.toISOString().slice(0, 10);
          const time = `${String(Math.floor(fiveMinutes / 12)).padStart(2, '0')}:${String((fiveMinutes % 12) * 5).padStart(2, '0')}`;
          const shown = (instant: DateTime) => instant.toFormat("yyyy-MM-dd'T'HH:mm");
          const luxon = DateTime.fromISO(`${date}T${time}`, { zone });
          fc.pre(shown(luxon) === `${date}T${time}`); // a time skipped by a change has no instant to compare
          // Luxon may give either occurrence of a repeated time (changes are 30 or 60 minutes).
          const first = [-60, -30].map((m) => luxon.plus({ minutes: m })).find((e) => shown(e) === shown(luxon)) ?? luxon;
          expect(localToUtc(zone, date, time)).toBe(first.toMillis());
          expect(localDateOf(zone, first.toMillis())).toBe(date);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('takes the first of a repeated time east of UTC too, where the change comes before the wall time read as UTC', () => {
    // Lord Howe 2024-04-07: 02:00 +11:00 → 01:30 +10:30, so 01:30 shows at 14:30Z and again at 15:00Z.
    expect(new Date(localToUtc('Australia/Lord_Howe', '2024-04-07', '01:30')).toISOString()).toBe('2024-04-06T14:30:00.000Z');
    // Berlin 2027-10-31: 03:00 CEST → 02:00 CET, so 02:30 shows at 00:30Z and again at 01:30Z.
    expect(new Date(localToUtc('Europe/Berlin', '2027-10-31', '02:30')).toISOString()).toBe('2027-10-31T00:30:00.000Z');
    expect(new Date(localToUtc('Europe/Berlin', '2027-10-31', '03:00')).toISOString()).toBe('2027-10-31T02:00:00.000Z');
  });

  it('moves a time skipped by spring-forward forward by the gap and takes the first of a repeated time', () => {
    // Denver 2027-03-14: 02:00 MST → 03:00 MDT. 2027-11-07: 02:00 MDT → 01:00 MST.
    expect(new Date(localToUtc('America/Denver', '2027-03-14', '02:30')).toISOString()).toBe('2027-03-14T09:30:00.000Z'); // 03:30 MDT
    expect(new Date(localToUtc('America/Denver', '2027-11-07', '01:30')).toISOString()).toBe('2027-11-07T07:30:00.000Z'); // 01:30 MDT, the first
    // Lord Howe shifts by half an hour: 2027-10-03 02:00 → 02:30.
    expect(new Date(localToUtc('Australia/Lord_Howe', '2027-10-03', '02:15')).toISOString()).toBe('2027-10-02T15:45:00.000Z'); // 02:45 +11:00
    expect(localToUtc('Europe/Berlin', '2027-03-15', '24:00')).toBe(localToUtc('Europe/Berlin', '2027-03-16', '00:00'));
  });

  it('does calendar arithmetic on dates whatever the zone', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addDays('2027-12-31', 1)).toBe('2028-01-01');
    expect(isoWeekday('2027-03-15')).toBe(1); // a Monday
    expect(isoWeekday('2027-03-14')).toBe(7);
  });
});
