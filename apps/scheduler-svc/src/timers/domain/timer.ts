/** Deadlines scheduler-svc keeps for other services; each fires a command when due. */
export type TimerKind = 'reservation-expiry' | 'confirmation-deadline' | 'reschedule-deadline';

export interface Timer {
  /** `${kind}:${subjectId}`: one timer per deadline, so a later event moves it instead of adding another. */
  id: string;
  kind: TimerKind;
  subjectId: string;
  dueAt: Date;
  status: 'scheduled' | 'fired' | 'cancelled';
  sourceEventId: string;
}

export function timerId(kind: TimerKind, subjectId: string): string {
  return `${kind}:${subjectId}`;
}

/** The booking deadline a timer stands for, in the words of booking-svc's ExpireBookingDeadline command. */
export const DEADLINE_OF: Partial<Record<TimerKind, 'confirmation' | 'reschedule_response'>> = {
  'confirmation-deadline': 'confirmation',
  'reschedule-deadline': 'reschedule_response',
};

/**
 * What a booking's new status means for its deadline timers: waiting for the provider runs the
 * confirmation deadline, waiting for the patient's answer to a new time runs the reschedule deadline;
 * any other status (answered, cancelled, expired…) ends both.
 */
export function deadlineTimersFor(status: string, deadline: Date | undefined): { schedule?: { kind: TimerKind; dueAt: Date }; cancel: TimerKind[] } {
  if (status === 'pending_confirmation' && deadline) return { schedule: { kind: 'confirmation-deadline', dueAt: deadline }, cancel: ['reschedule-deadline'] };
  if (status === 'reschedule_proposed' && deadline) return { schedule: { kind: 'reschedule-deadline', dueAt: deadline }, cancel: ['confirmation-deadline'] };
  return { cancel: ['confirmation-deadline', 'reschedule-deadline'] };
}
