import { BookingErrorCode } from '../../shared/domain/booking-error.js';
import { type SlotRules, isLive, isSameRequest, reserveSlot } from './slot-reservation.js';

const now = new Date('2030-03-01T10:00:00Z');
const rules: SlotRules = {
  schedule: { timezone: 'America/Denver', weeklyHours: { '1': [{ start: '09:00', end: '17:00' }], '2': [{ start: '09:00', end: '17:00' }] }, overrides: [] },
  settings: { minimumNoticeHours: 24, maximumAdvanceDays: 30, bufferMinutes: 15 },
  serviceDurationMinutes: 30,
};
// Monday 2030-03-04 09:00 in Denver (MST, UTC-7).
const input = { id: 'r1', providerId: 'p1', patientId: 'u1', serviceId: 's1', startTime: new Date('2030-03-04T16:00:00Z'), idempotencyKey: 'key-12345' };

describe('reserveSlot', () => {
  it('holds the slot for the configured time, for the service’s duration, with the provider’s buffer', () => {
    const reservation = reserveSlot(input, rules, now, 300);
    expect(reservation).toMatchObject({
      status: 'active',
      version: 1,
      bufferMinutes: 15,
      endTime: new Date('2030-03-04T16:30:00Z'),
      expiresAt: new Date('2030-03-01T10:05:00Z'),
    });
    expect(isLive(reservation, new Date('2030-03-01T10:04:59Z'))).toBe(true);
    expect(isLive(reservation, new Date('2030-03-01T10:05:00Z'))).toBe(false);
  });

  it('refuses an end time that does not match the service', () => {
    expect(() => reserveSlot({ ...input, endTime: new Date('2030-03-04T17:00:00Z') }, rules, now, 300)).toThrow(
      expect.objectContaining({ code: BookingErrorCode.InvalidTimeRange }),
    );
  });

  it('refuses a slot in the past, inside the minimum notice or beyond the maximum advance', () => {
    expect(() => reserveSlot({ ...input, startTime: new Date('2030-03-01T09:00:00Z') }, rules, now, 300)).toThrow(
      expect.objectContaining({ code: BookingErrorCode.SlotInPast }),
    );
    expect(() => reserveSlot({ ...input, startTime: new Date('2030-03-01T20:00:00Z') }, rules, now, 300)).toThrow(
      expect.objectContaining({ code: BookingErrorCode.OutsideBookingWindow }),
    );
    expect(() => reserveSlot({ ...input, startTime: new Date('2030-04-15T16:00:00Z') }, rules, now, 300)).toThrow(
      expect.objectContaining({ code: BookingErrorCode.OutsideBookingWindow }),
    );
  });

  it('refuses a slot outside the provider’s working hours', () => {
    // 16:45 local: the 30-minute service would end after 17:00.
    expect(() => reserveSlot({ ...input, startTime: new Date('2030-03-04T23:45:00Z') }, rules, now, 300)).toThrow(
      expect.objectContaining({ code: BookingErrorCode.SlotUnavailable }),
    );
    // Wednesday: not a working day.
    expect(() => reserveSlot({ ...input, startTime: new Date('2030-03-06T16:00:00Z') }, rules, now, 300)).toThrow(
      expect.objectContaining({ code: BookingErrorCode.SlotUnavailable }),
    );
  });

  it('accepts a slot across midnight when the provider works on both sides of it', () => {
    const nights: SlotRules = {
      ...rules,
      schedule: { ...rules.schedule, weeklyHours: { '1': [{ start: '22:00', end: '24:00' }], '2': [{ start: '00:00', end: '02:00' }] } },
    };
    // Monday 23:45 to Tuesday 00:15 in Denver.
    expect(reserveSlot({ ...input, startTime: new Date('2030-03-05T06:45:00Z') }, nights, now, 300).endTime).toEqual(new Date('2030-03-05T07:15:00Z'));
  });

  it('recognises a retry of the same request and a different request under the same key', () => {
    const existing = reserveSlot(input, rules, now, 300);
    expect(isSameRequest(existing, input)).toBe(true);
    expect(isSameRequest(existing, { ...input, serviceId: 's2' })).toBe(false);
  });
});
