import { isoInstant } from './iso-instant.js';

describe('isoInstant', () => {
  it('writes what toISOString writes, for whole minutes across days, months, years and leap days, and for any other instant', () => {
    const instants = [
      Date.UTC(2026, 11, 31, 23, 59),
      Date.UTC(2027, 0, 1, 0, 0),
      Date.UTC(2028, 1, 29, 12, 30),
      Date.UTC(2028, 2, 1, 0, 15),
      Date.UTC(1969, 11, 31, 23, 45), // before the epoch: negative milliseconds
      Date.UTC(2026, 2, 8, 9, 0, 30), // seconds
      Date.UTC(2026, 2, 8, 9, 0, 0, 5), // milliseconds
    ];
    // A day of every whole minute, then days apart in both directions, as availability asks in turn.
    for (let minute = 0; minute < 1440; minute++) instants.push(Date.UTC(2026, 10, 1) + minute * 60_000);
    for (let step = 0; step < 400; step++) instants.push(Date.UTC(2026, 0, 1) + step * 2_419_380_000, Date.UTC(2026, 0, 1) - step * 86_400_000);
    for (const ms of instants) expect(isoInstant(ms)).toBe(new Date(ms).toISOString());
  });
});
