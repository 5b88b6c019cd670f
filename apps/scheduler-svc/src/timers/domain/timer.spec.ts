import { deadlineTimersFor } from './timer.js';

describe('deadlineTimersFor', () => {
  const at = new Date('2030-01-01T12:00:00Z');

  it('runs the confirmation deadline while the provider must answer, the reschedule one while the patient must', () => {
    expect(deadlineTimersFor('pending_confirmation', at)).toEqual({ schedule: { kind: 'confirmation-deadline', dueAt: at }, cancel: ['reschedule-deadline'] });
    expect(deadlineTimersFor('reschedule_proposed', at)).toEqual({ schedule: { kind: 'reschedule-deadline', dueAt: at }, cancel: ['confirmation-deadline'] });
  });

  it('ends both once nobody must answer (or no deadline is given)', () => {
    for (const status of ['confirmed', 'cancelled_patient', 'expired', 'pending_payment'])
      expect(deadlineTimersFor(status, at)).toEqual({ cancel: ['confirmation-deadline', 'reschedule-deadline'] });
    expect(deadlineTimersFor('pending_confirmation', undefined)).toEqual({ cancel: ['confirmation-deadline', 'reschedule-deadline'] });
  });
});
