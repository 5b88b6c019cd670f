import { ReservationErrorCode } from './reservation-error.js';
import { isSameRequest, reserveSlot } from './slot-reservation.js';

const now = new Date('2026-03-01T10:00:00Z');
const input = {
  id: 'r1',
  providerId: 'p1',
  patientId: 'u1',
  serviceId: 's1',
  startTime: new Date('2026-03-02T09:00:00Z'),
  endTime: new Date('2026-03-02T09:30:00Z'),
  idempotencyKey: 'key-12345',
};

describe('reserveSlot', () => {
  it('holds the slot for the configured time', () => {
    const reservation = reserveSlot(input, now, 300);
    expect(reservation.status).toBe('active');
    expect(reservation.expiresAt.toISOString()).toBe('2026-03-01T10:05:00.000Z');
    expect(reservation.version).toBe(1);
  });

  it('refuses an empty or inverted time range', () => {
    expect(() => reserveSlot({ ...input, endTime: input.startTime }, now, 300)).toThrow(expect.objectContaining({ code: ReservationErrorCode.InvalidTimeRange }));
  });

  it('refuses a slot that has already started', () => {
    expect(() => reserveSlot({ ...input, startTime: new Date('2026-03-01T09:59:00Z') }, now, 300)).toThrow(
      expect.objectContaining({ code: ReservationErrorCode.SlotInPast }),
    );
  });

  it('recognises a retry of the same request and a different request under the same key', () => {
    const existing = reserveSlot(input, now, 300);
    expect(isSameRequest(existing, input)).toBe(true);
    expect(isSameRequest(existing, { ...input, serviceId: 's2' })).toBe(false);
  });
});
