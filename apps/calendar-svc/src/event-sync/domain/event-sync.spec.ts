import { desiredEventFor, nextAttemptDelayMs } from './event-sync.js';

describe('calendar event sync rules', () => {
  it('shows a booking from confirmation, removes it when cancelled or expired, and ignores earlier statuses', () => {
    expect(desiredEventFor('confirmed')).toBe('present');
    expect(desiredEventFor('reschedule_pending')).toBe('present');
    expect(desiredEventFor('completed')).toBe('present');
    expect(desiredEventFor('cancelled_patient')).toBe('absent');
    expect(desiredEventFor('expired')).toBe('absent');
    expect(desiredEventFor('pending_confirmation')).toBeUndefined();
    expect(desiredEventFor('slot_reserved')).toBeUndefined();
  });

  it('backs off exponentially to an hour, and never sooner than the service asked', () => {
    expect([1, 2, 3, 7, 20].map((n) => nextAttemptDelayMs(n, 60_000))).toEqual([60_000, 120_000, 240_000, 3_600_000, 3_600_000]);
    expect(nextAttemptDelayMs(1, 60_000, 300_000)).toBe(300_000);
  });
});
