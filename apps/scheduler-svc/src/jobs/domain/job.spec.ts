import { freshnessLimitMs, isFresh, runIdOf } from './job.js';

describe('job freshness', () => {
  const now = new Date('2030-01-01T12:00:00Z');
  const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);

  it('allows two intervals plus the grace since the last success', () => {
    const limit = freshnessLimitMs(5 * 60_000, 60_000); // the spec's 5-minute job: 11 minutes
    expect(isFresh({ watchedSince: minutesAgo(600), lastSuccessAt: minutesAgo(10) }, limit, now)).toBe(true);
    expect(isFresh({ watchedSince: minutesAgo(600), lastSuccessAt: minutesAgo(12) }, limit, now)).toBe(false);
  });

  it('counts from when the job was first watched until it has run once', () => {
    const limit = freshnessLimitMs(6 * 60 * 60_000, 60_000);
    expect(isFresh({ watchedSince: minutesAgo(60) }, limit, now)).toBe(true);
    expect(isFresh({ watchedSince: minutesAgo(13 * 60) }, limit, now)).toBe(false);
  });

  it('names a run by its job and tick', () => {
    expect(runIdOf('cleanup', now)).toBe('cleanup:2030-01-01T12:00:00.000Z');
  });
});
