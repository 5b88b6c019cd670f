import { CLOSE, announces, authMessage, closeDecision, liveUrl, parseServerMessage, reconnectDelayMs } from './live-protocol.js';

describe('live update protocol (portal side)', () => {
  it('authenticates first, resuming after the last update seen when there is one', () => {
    expect(JSON.parse(authMessage('jwt', null))).toEqual({ type: 'AUTH', token: 'jwt' });
    expect(JSON.parse(authMessage('jwt', 'evt-42'))).toEqual({ type: 'AUTH', token: 'jwt', resumeAfter: 'evt-42' });
  });

  it('connects to the same origin, wss under https', () => {
    expect(liveUrl({ protocol: 'https:', host: 'portal.example.health' })).toBe('wss://portal.example.health/api/live/ws');
    expect(liveUrl({ protocol: 'http:', host: '127.0.0.1:3000' })).toBe('ws://127.0.0.1:3000/api/live/ws');
  });

  it('reads the server’s messages and ignores what it does not know', () => {
    expect(parseServerMessage('{"type":"READY","resumed":true}')).toEqual({ type: 'READY', resumed: true });
    expect(parseServerMessage('{"type":"RESYNC"}')).toEqual({ type: 'RESYNC' });
    const update = { type: 'NEW_BOOKING_REQUEST', id: 'e1', event: 'BookingStatusChanged', bookingId: 'b1', occurredAt: '2030-01-01T00:00:00Z', data: {} };
    expect(parseServerMessage(JSON.stringify(update))).toEqual(update);
    expect(parseServerMessage(JSON.stringify({ ...update, data: undefined }))).toEqual({ ...update, data: {} });
    expect(parseServerMessage('{"type":"NEW_BOOKING_REQUEST"}')).toBeNull(); // no id or booking: nothing to act on
    expect(parseServerMessage('{"type":"SOMETHING_NEW"}')).toBeNull();
    expect(parseServerMessage('not json')).toBeNull();
  });

  it('reconnects after drops and restarts, after an auth refusal only while the token is valid, and never as another user', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    const valid = now + 600_000;
    expect(closeDecision(CLOSE.SERVER_RESTART, valid, now)).toBe('reconnect');
    expect(closeDecision(1006, valid, now)).toBe('reconnect');
    expect(closeDecision(1011, valid, now)).toBe('reconnect');
    expect(closeDecision(CLOSE.TOO_MANY, valid, now)).toBe('reconnect');
    expect(closeDecision(CLOSE.AUTH, valid, now)).toBe('reconnect');
    expect(closeDecision(CLOSE.AUTH, now + 1_000, now)).toBe('stop');
    expect(closeDecision(CLOSE.WRONG_USER, valid, now)).toBe('stop');
  });

  it('announces bookings, not a patient holding a slot during checkout', () => {
    const update = { type: 'BOOKING_UPDATED', id: 'e1', bookingId: 'r1', occurredAt: '2030-01-01T00:00:00Z', data: {} } as const;
    expect(announces({ ...update, event: 'SlotReserved' })).toBe(false);
    expect(announces({ ...update, event: 'BookingStatusChanged' })).toBe(true);
  });

  it('backs off exponentially with jitter up to 30 s, and at least 10 s when refused for too many connections', () => {
    const low = () => 0;
    const high = () => 1;
    expect([0, 1, 2, 3].map((attempt) => reconnectDelayMs(attempt, 1006, high))).toEqual([500, 1000, 2000, 4000]);
    expect(reconnectDelayMs(0, 1006, low)).toBe(250);
    expect(reconnectDelayMs(20, 1006, high)).toBe(30_000);
    expect(reconnectDelayMs(0, CLOSE.TOO_MANY, low)).toBe(10_000);
  });
});
