import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { type TimerKind, timerId } from '../../domain/timer.js';
import { TIMER_MODEL, type TimerDocument } from '../../infrastructure/timer.schema.js';

export interface ScheduleTimerCommand {
  kind: TimerKind;
  subjectId: string;
  dueAt: Date;
  sourceEventId: string;
}

/** Creates the timer for a deadline, or moves it if it has not fired. Idempotent: the id is the deadline's identity. */
@Injectable()
export class ScheduleTimerUseCase {
  constructor(@InjectModel(TIMER_MODEL) private readonly timers: Model<TimerDocument>) {}

  async execute(command: ScheduleTimerCommand): Promise<void> {
    const id = timerId(command.kind, command.subjectId);
    const existing = await this.timers.findById(id).lean();
    if (existing && existing.status !== 'scheduled') return;
    await this.timers.updateOne(
      { _id: id, status: { $in: [null, 'scheduled'] } },
      {
        $set: {
          kind: command.kind,
          subjectId: command.subjectId,
          dueAt: command.dueAt,
          status: 'scheduled',
          sourceEventId: command.sourceEventId,
          updatedAt: new Date(),
        },
      },
      { upsert: !existing },
    );
  }
}
