import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { type TimerData, type TimerKind, type TimerPlan, pollMinuteOf, timerId } from '../../domain/timer.js';
import { TIMER_MODEL, type TimerDocument } from '../../infrastructure/timer.schema.js';

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
  constructor(@InjectModel(TIMER_MODEL) private readonly timers: Model<TimerDocument>) {}

  async execute(command: ScheduleTimerCommand): Promise<void> {
    const existing = await this.timers.findById(timerId(command.kind, command.subjectId)).lean<TimerDocument>();
    await this.set(command, existing ?? undefined);
  }

  /**
   * Carries out a subject's whole plan (what its new status means for its timers) from one read of
   * its timers, instead of one read per kind.
   */
  async applyPlan(
    subjectId: string,
    plan: TimerPlan,
    context: { sourceEventId: string; occurredAt?: Date; dataFor: (kind: TimerKind) => TimerData },
  ): Promise<void> {
    const current = new Map((await this.timers.find({ subjectId }).lean<TimerDocument[]>()).map((timer) => [timer.kind, timer]));
    for (const kind of plan.cancel) {
      const existing = current.get(kind);
      if (existing) await this.end(existing, context.occurredAt);
    }
    for (const { kind, dueAt } of plan.schedule) {
      const command: ScheduleTimerCommand = {
        kind,
        subjectId,
        dueAt,
        sourceEventId: context.sourceEventId,
        data: context.dataFor(kind),
        ...(context.occurredAt ? { occurredAt: context.occurredAt } : {}),
      };
      await this.set(command, current.get(kind));
    }
  }

  private async set(command: ScheduleTimerCommand, existing: TimerDocument | undefined): Promise<void> {
    if (existing && (existing.status === 'fired' || this.isOlder(command, existing))) return;
    const id = timerId(command.kind, command.subjectId);
    const fields = {
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
    if (!existing) {
      await this.timers.create({ _id: id, ...fields, outbox: [], outboxRevision: 0 }).catch((error: { code?: number }) => {
        if (error.code !== 11000) throw error; // created meanwhile by a redelivery: it is there
      });
      return;
    }
    await this.timers.updateOne({ _id: id, status: { $ne: 'fired' }, updatedAt: existing.updatedAt }, { $set: fields });
  }

  /** Ends a deadline that no longer applies (the booking moved on); a fired one stays as it was. */
  private async end(existing: TimerDocument, occurredAt?: Date): Promise<void> {
    if (existing.status !== 'scheduled') return;
    if (occurredAt && existing.sourceOccurredAt && occurredAt < existing.sourceOccurredAt) return;
    await this.timers.updateOne(
      { _id: existing._id, status: 'scheduled', updatedAt: existing.updatedAt },
      { $set: { status: 'cancelled', updatedAt: new Date() } },
    );
  }

  private isOlder(command: ScheduleTimerCommand, existing: TimerDocument): boolean {
    return Boolean(command.occurredAt && existing.sourceOccurredAt && command.occurredAt < existing.sourceOccurredAt);
  }
}
