import 'reflect-metadata';
import { jest } from '@jest/globals';
import { GatewayConfig } from '../config/gateway.config.js';
import { BookingStreamHub } from './booking-stream.hub.js';
import { LiveFeed } from './live-feed.js';

const DAY_MS = 86_400_000;

describe('LiveFeed token expiry', () => {
  const feed = new LiveFeed(new BookingStreamHub(), new GatewayConfig());

  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-03-01T10:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  function expired(expiresAt: number | undefined): () => boolean {
    let fired = false;
    feed.expiryAt(expiresAt).subscribe(() => (fired = true));
    return () => fired;
  }

  it('fires when the token expires, and at once for one already expired', () => {
    const inAMinute = expired(Date.now() + 60_000);
    const past = expired(Date.now() - 1000);
    jest.advanceTimersByTime(0);
    expect(past()).toBe(true);
    jest.advanceTimersByTime(59_999);
    expect(inAMinute()).toBe(false);
    jest.advanceTimersByTime(1);
    expect(inAMinute()).toBe(true);
  });

  it('waits for an expiry beyond the longest timer (about 24.8 days) instead of firing at once', () => {
    const inThirtyDays = expired(Date.now() + 30 * DAY_MS);
    jest.advanceTimersByTime(1000);
    expect(inThirtyDays()).toBe(false);
    jest.advanceTimersByTime(30 * DAY_MS - 1001);
    expect(inThirtyDays()).toBe(false);
    jest.advanceTimersByTime(1);
    expect(inThirtyDays()).toBe(true);
  });

  it('never fires for a token without expiry', () => {
    const never = expired(undefined);
    jest.advanceTimersByTime(365 * DAY_MS);
    expect(never()).toBe(false);
  });
});
