import { minuteOf, pollMinuteOf, timersFor } from './timer.js';

const now = new Date('2030-01-01T00:00:00Z');
const hours = (h: number) => new Date(now.getTime() + h * 3_600_000);
const ALL = [
  'confirmation-deadline',
  'confirmation-warning',
  'reschedule-deadline',
  'payment-retry-deadline',
  'payment-action-deadline',
  'reminder-24h',
  'reminder-1h',
];

describe('timersFor', () => {
  it('runs the confirmation deadline and, 4 hours before it, the provider’s warning while the provider must answer', () => {
    expect(timersFor({ status: 'pending_confirmation', deadline: hours(24), startTime: hours(72) }, now, 4)).toEqual({
      schedule: [
        { kind: 'confirmation-deadline', dueAt: hours(24) },
        { kind: 'confirmation-warning', dueAt: hours(20) },
      ],
      cancel: ['reschedule-deadline', 'payment-retry-deadline', 'payment-action-deadline', 'reminder-24h', 'reminder-1h'],
    });
    // A deadline closer than the warning period: no warning in the past.
    expect(timersFor({ status: 'pending_confirmation', deadline: hours(3), startTime: hours(72) }, now, 4).schedule).toEqual([
      { kind: 'confirmation-deadline', dueAt: hours(3) },
    ]);
  });

  it('runs the reschedule deadline while the patient must answer', () => {
    expect(timersFor({ status: 'reschedule_proposed', deadline: hours(12), startTime: hours(72) }, now, 4)).toEqual({
      schedule: [{ kind: 'reschedule-deadline', dueAt: hours(12) }],
      cancel: ['confirmation-deadline', 'confirmation-warning', 'payment-retry-deadline', 'payment-action-deadline', 'reminder-24h', 'reminder-1h'],
    });
  });

  it('runs the patient’s time to pay again after a failed payment, and ends it once they paid or it lapsed', () => {
    expect(timersFor({ status: 'payment_failed', deadline: hours(1), startTime: hours(72) }, now, 4)).toEqual({
      schedule: [{ kind: 'payment-retry-deadline', dueAt: hours(1) }],
      cancel: ['confirmation-deadline', 'confirmation-warning', 'reschedule-deadline', 'payment-action-deadline', 'reminder-24h', 'reminder-1h'],
    });
    expect(timersFor({ status: 'pending_payment', startTime: hours(72) }, now, 4).cancel).toContain('payment-retry-deadline');
  });

  it('runs the patient’s time to authenticate a payment (3-D Secure) while one is asked for', () => {
    expect(timersFor({ status: 'pending_payment', deadline: hours(0.25), startTime: hours(72) }, now, 4).schedule).toEqual([
      { kind: 'payment-action-deadline', dueAt: hours(0.25) },
    ]);
    expect(timersFor({ status: 'pending_confirmation', deadline: hours(24), startTime: hours(72) }, now, 4).cancel).toContain('payment-action-deadline');
  });

  it('reminds 24 h and 1 h before a confirmed appointment, skipping what is already past', () => {
    expect(timersFor({ status: 'confirmed', startTime: hours(48) }, now, 4).schedule).toEqual([
      { kind: 'reminder-24h', dueAt: hours(24) },
      { kind: 'reminder-1h', dueAt: hours(47) },
    ]);
    expect(timersFor({ status: 'confirmed', startTime: hours(5) }, now, 4).schedule).toEqual([{ kind: 'reminder-1h', dueAt: hours(4) }]);
  });

  it('ends everything once nobody has to answer or turn up', () => {
    for (const status of ['cancelled_patient', 'expired', 'completed', 'checked_in', 'pending_payment'])
      expect(timersFor({ status, startTime: hours(48) }, now, 4)).toEqual({ schedule: [], cancel: ALL });
    expect(timersFor({ status: 'pending_confirmation', startTime: hours(48) }, now, 4)).toEqual({ schedule: [], cancel: ALL });
  });
});

describe('the minute a timer is polled in', () => {
  it('is the UTC minute of its due time, or of now for a timer already due when it is set', () => {
    expect(pollMinuteOf(new Date('2030-01-01T10:05:30Z'), new Date('2030-01-01T09:00:00Z'))).toBe('2030-01-01T10:05');
    expect(pollMinuteOf(new Date('2030-01-01T10:05:30Z'), new Date('2030-01-01T11:17:02Z'))).toBe('2030-01-01T11:17');
    expect(minuteOf(new Date('2030-01-01T10:05:00.000Z'))).toBe('2030-01-01T10:05');
    expect(minuteOf(new Date('2030-01-01T10:05:59.999Z'))).toBe('2030-01-01T10:05');
    expect(minuteOf(new Date('2030-01-01T23:59:59.999+01:00'))).toBe('2030-01-01T22:59');
  });
});
