/** Deadlines and reminders scheduler-svc keeps for other services; each fires a message when due. */
export type TimerKind =
  | 'confirmation-deadline'
  | 'confirmation-warning'
  | 'reschedule-deadline'
  | 'payment-retry-deadline'
  | 'payment-action-deadline'
  | 'reminder-24h'
  | 'reminder-1h';

export interface Timer {
  /** `${kind}:${subjectId}`: one timer per deadline, so a later event moves it instead of adding another. */
  id: string;
  kind: TimerKind;
  subjectId: string;
  dueAt: Date;
  status: 'scheduled' | 'fired' | 'cancelled';
  sourceEventId: string;
}

/** What a fired timer tells: the parties and the moment it is about. */
export interface TimerData {
  providerId: string;
  patientId: string;
  /** The deadline (warnings) or the appointment start (reminders). */
  at: string;
}

/** The UTC minute of a moment (`2030-01-01T10:05`). */
export function minuteOf(at: Date): string {
  return at.toISOString().slice(0, 16);
}

/**
 * The minute the poll looks for a timer in (`pollMinute`): its due minute, or the current one when it is
 * already due as it is set (an event that arrived late). The poll asks for the current and the previous
 * minute by equality, which the MongoDB-compatible engine answers from the matching documents only,
 * instead of reading every scheduled timer to compare times (docs/scheduler.md).
 */
export function pollMinuteOf(dueAt: Date, now: Date): string {
  return minuteOf(dueAt.getTime() > now.getTime() ? dueAt : now);
}

export function timerId(kind: TimerKind, subjectId: string): string {
  return `${kind}:${subjectId}`;
}

/** The booking deadline a timer stands for, in the words of booking-svc's ExpireBookingDeadline command. */
export const DEADLINE_OF: Partial<Record<TimerKind, 'confirmation' | 'reschedule_response' | 'payment_retry' | 'payment_action'>> = {
  'confirmation-deadline': 'confirmation',
  'reschedule-deadline': 'reschedule_response',
  'payment-retry-deadline': 'payment_retry',
  'payment-action-deadline': 'payment_action',
};

/** Reminders before the appointment, in hours. */
export const REMINDER_HOURS: Partial<Record<TimerKind, 24 | 1>> = { 'reminder-24h': 24, 'reminder-1h': 1 };

const BOOKING_TIMERS: TimerKind[] = [
  'confirmation-deadline',
  'confirmation-warning',
  'reschedule-deadline',
  'payment-retry-deadline',
  'payment-action-deadline',
  'reminder-24h',
  'reminder-1h',
];
const HOUR_MS = 3_600_000;

export interface BookingSnapshot {
  status: string;
  deadline?: Date;
  startTime: Date;
}

export interface TimerPlan {
  schedule: Array<{ kind: TimerKind; dueAt: Date }>;
  cancel: TimerKind[];
}

/**
 * What a booking's new status means for its timers. Waiting for the provider runs the confirmation
 * deadline and, `warningHours` before it, the provider's "expiring soon" warning; waiting for the
 * patient's answer to a new time runs the reschedule deadline; a failed payment runs the patient's
 * time to pay again (then the booking expires and frees its slot); a confirmed booking runs reminders 24 h
 * and 1 h before it starts (moved when it is rescheduled). Whatever the status no longer needs ends.
 * Times already past are not scheduled (a reminder for an appointment in 30 minutes is not sent late).
 */
export function timersFor(booking: BookingSnapshot, now: Date, warningHours: number): TimerPlan {
  const schedule: TimerPlan['schedule'] = [];
  const future = (kind: TimerKind, dueAt: Date) => {
    if (dueAt.getTime() > now.getTime()) schedule.push({ kind, dueAt });
  };
  if (booking.status === 'pending_confirmation' && booking.deadline) {
    schedule.push({ kind: 'confirmation-deadline', dueAt: booking.deadline });
    future('confirmation-warning', new Date(booking.deadline.getTime() - warningHours * HOUR_MS));
  } else if (booking.status === 'reschedule_proposed' && booking.deadline) {
    schedule.push({ kind: 'reschedule-deadline', dueAt: booking.deadline });
  } else if (booking.status === 'payment_failed' && booking.deadline) {
    schedule.push({ kind: 'payment-retry-deadline', dueAt: booking.deadline });
  } else if (booking.status === 'pending_payment' && booking.deadline) {
    // The card's bank wants the patient to authenticate: the booking lapses if they do not in time.
    schedule.push({ kind: 'payment-action-deadline', dueAt: booking.deadline });
  } else if (booking.status === 'confirmed') {
    future('reminder-24h', new Date(booking.startTime.getTime() - 24 * HOUR_MS));
    future('reminder-1h', new Date(booking.startTime.getTime() - HOUR_MS));
  }
  const kept = new Set(schedule.map((s) => s.kind));
  return { schedule, cancel: BOOKING_TIMERS.filter((kind) => !kept.has(kind)) };
}
