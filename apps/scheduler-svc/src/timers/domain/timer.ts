/** Deadlines scheduler-svc keeps for other services; each fires a command when due. */
export type TimerKind = 'reservation-expiry';

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
