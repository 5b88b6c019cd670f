import { CalendarApiError, calendarApiError, parseRetryAfter } from './calendar-api.js';
import { callWithRetry } from './retry-policy.js';

const policy = { attempts: 3, baseDelayMs: 100, maxInlineWaitMs: 5_000 };

describe('calendar call retry policy', () => {
  it('retries a 429 after its Retry-After, and a 503 with exponential backoff, then succeeds', async () => {
    const waits: number[] = [];
    const failures = [calendarApiError(429, 'slow down', '2'), calendarApiError(503, 'unavailable')];
    const result = await callWithRetry(
      async () => {
        const failure = failures.shift();
        if (failure) throw failure;
        return 'ok';
      },
      policy,
      async (ms) => void waits.push(ms),
    );
    expect(result).toBe('ok');
    expect(waits).toEqual([2_000, 200]);
  });

  it('does not retry what retrying cannot fix, and gives up after the attempts', async () => {
    let calls = 0;
    await expect(
      callWithRetry(
        async () => (calls++, Promise.reject(calendarApiError(403, 'forbidden'))),
        policy,
        async () => {},
      ),
    ).rejects.toMatchObject({
      failure: 'rejected',
    });
    expect(calls).toBe(1);
    calls = 0;
    await expect(
      callWithRetry(
        async () => (calls++, Promise.reject(calendarApiError(500, 'down'))),
        policy,
        async () => {},
      ),
    ).rejects.toBeInstanceOf(CalendarApiError);
    expect(calls).toBe(3);
  });

  it('hands a long Retry-After back to the caller instead of sleeping through it', async () => {
    const waits: number[] = [];
    await expect(
      callWithRetry(
        () => Promise.reject(calendarApiError(429, 'later', '120')),
        policy,
        async (ms) => void waits.push(ms),
      ),
    ).rejects.toMatchObject({ failure: 'rate_limited', retryAfterMs: 120_000 });
    expect(waits).toEqual([]);
  });

  it('reads Retry-After as seconds or as an HTTP date, and classifies statuses', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7_000);
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(calendarApiError(401, 'x').failure).toBe('unauthorized');
    expect(calendarApiError(410, 'x').failure).toBe('not_found');
    expect(calendarApiError(400, 'x', null, '{"error":"invalid_grant"}').failure).toBe('invalid_grant');
    expect(calendarApiError(undefined, 'socket hang up').retryable).toBe(true);
  });
});
