import { Injectable } from '@nestjs/common';
import { type TimerData, type TimerKind, type TimerPlan, pollMinuteOf, timerId } from '../../domain/timer.js';
import { type StoredTimer, type TimerFields, TimerStore } from '../../infrastructure/timer.store.js';

export interface ScheduleTimerCommand {
  kind: TimerKind;
  subjectId: string;
  dueAt: Date;
  sourceEventId: string;
  data?: TimerData;
  /** When the event that set it happened: a late, older event never overrides a newer one. */
  occurredAt?: Date;
}

/**
 * Creates a deadline's timer, moves it, or cancels it. Idempotent: the id is the deadline's identity,
 * and an event older than the one that last set the timer changes nothing. A fired timer stays fired.
 */
@Injectable()
export class ScheduleTimerUseCase {
  constructor(private readonly timers: TimerStore) {}

  /** A new deadline (the usual case) is one insert; only one that exists already is read and moved. */
  async execute(command: ScheduleTimerCommand): Promise<void> {
    if ((await this.createAll([command])) === 1) return;
    await this.set(command, await this.timers.find(timerId(command.kind, command.subjectId)));
  }

  /**
   * Carries out a subject's whole plan (what its new status means for its timers) from one read of
   * its timers, instead of one read per kind. False when the plan had nothing to do: no timer to set,
   * none scheduled to end.
   */
  async applyPlan(
    subjectId: string,
    plan: TimerPlan,
    context: { sourceEventId: string; occurredAt?: Date; dataFor: (kind: TimerKind) => TimerData },
  ): Promise<boolean> {
    const current = new Map((await this.timers.ofSubject(subjectId)).map((timer) => [timer.kind, timer]));
    if (plan.schedule.length === 0 && plan.cancel.every((kind) => current.get(kind)?.status !== 'scheduled')) return false;
    for (const kind of plan.cancel) {
      const existing = current.get(kind);
      if (existing) await this.end(existing, context.occurredAt);
    }
    const commands = plan.schedule.map(({ kind, dueAt }): ScheduleTimerCommand => ({
      kind,
      subjectId,
      dueAt,
      sourceEventId: context.sourceEventId,
      data: context.dataFor(kind),
      ...(context.occurredAt ? { occurredAt: context.occurredAt } : {}),
    }));
    for (const command of commands) {
      const existing = current.get(command.kind);
      if (existing) await this.set(command, existing);
    }
    // The new ones in one write; one created meanwhile by a redelivery is there already.
    await this.createAll(commands.filter((command) => !current.has(command.kind)));
    return true;
  }

  /** Inserts the timers, unordered; returns how many were new (the others exist already). */
  private async createAll(commands: ScheduleTimerCommand[]): Promise<number> {
    return this.timers.createNew(commands.map((command) => ({ _id: timerId(command.kind, command.subjectId), ...this.fieldsOf(command) })));
  }

  private async set(command: ScheduleTimerCommand, existing: StoredTimer | undefined): Promise<void> {
    if (!existing) {
      await this.createAll([command]);
      return;
    }
    if (existing.status === 'fired' || this.isOlder(command, existing)) return;
    // Not moved: another event changed it meanwhile (the insert finds it and stops), or retention
    // deleted the long-cancelled timer since it was read (the insert sets it again).
    if (!(await this.timers.move(timerId(command.kind, command.subjectId), existing.updatedAt, this.fieldsOf(command)))) await this.createAll([command]);
  }

  private fieldsOf(command: ScheduleTimerCommand): TimerFields {
    return {
      kind: command.kind,
      subjectId: command.subjectId,
      dueAt: command.dueAt,
      pollMinute: pollMinuteOf(command.dueAt, new Date()),
      status: 'scheduled' as const,
      sourceEventId: command.sourceEventId,
      ...(command.data ? { data: command.data } : {}),
      ...(command.occurredAt ? { sourceOccurredAt: command.occurredAt } : {}),
      updatedAt: new Date(),
    };
  }

  /** Ends a deadline that no longer applies (the booking moved on); a fired one stays as it was. */
  private async end(existing: StoredTimer, occurredAt?: Date): Promise<void> {
    if (existing.status !== 'scheduled') return;
    if (occurredAt && existing.sourceOccurredAt && occurredAt < existing.sourceOccurredAt) return;
    await this.timers.cancel(existing, new Date());
  }

  private isOlder(command: ScheduleTimerCommand, existing: StoredTimer): boolean {
    return Boolean(command.occurredAt && existing.sourceOccurredAt && command.occurredAt < existing.sourceOccurredAt);
  }
}
