import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { type TimerData, type TimerKind, pollMinuteOf, timerId } from '../../domain/timer.js';
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
    const id = timerId(command.kind, command.subjectId);
    const existing = await this.timers.findById(id).lean<TimerDocument>();
    if (existing && (existing.status === 'fired' || this.isOlder(command, existing))) return;
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
  async cancel(kind: TimerKind, subjectId: string, occurredAt?: Date): Promise<void> {
    const existing = await this.timers.findById(timerId(kind, subjectId)).lean<TimerDocument>();
    if (!existing || existing.status !== 'scheduled') return;
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
