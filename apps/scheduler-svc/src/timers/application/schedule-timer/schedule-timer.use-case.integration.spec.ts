import { randomUUID } from 'node:crypto';
import type { Connection, Model } from 'mongoose';
import { AggregateStore, relayThatNeverPublishes } from '@bp/outbox';
import { uniqueSuffix, connectScratchDatabase, dropScratchDatabase } from '@bp/testing';
import { timerId } from '../../domain/timer.js';
import { type TimerDocument, TimerSchema } from '../../infrastructure/timer.schema.js';
import { TimerStore } from '../../infrastructure/timer.store.js';
import { ScheduleTimerUseCase } from './schedule-timer.use-case.js';

const HOUR = 3_600_000;

describe('ScheduleTimerUseCase on the real MongoDB-compatible server', () => {
  let connection: Connection;
  let timers: Model<TimerDocument>;
  let useCase: ScheduleTimerUseCase;
  const stored = (kind: string, subjectId: string) => timers.findById(timerId(kind as never, subjectId)).lean<TimerDocument>();

  beforeAll(async () => {
    connection = await connectScratchDatabase(`timers_${uniqueSuffix()}`);
    timers = connection.model<TimerDocument>('Timer', TimerSchema);
    await timers.init();
    // Scheduling writes no messages: the relay is never asked to publish.
    useCase = new ScheduleTimerUseCase(new TimerStore(timers, new AggregateStore(timers, relayThatNeverPublishes())));
  });

  afterAll(async () => {
    await dropScratchDatabase(connection);
  });

  it('creates a new deadline, moves it for a newer event, and ignores an older one or a repeat', async () => {
    const subjectId = randomUUID();
    const now = Date.now();
    const at = (hours: number) => new Date(now + hours * HOUR);
    const occurred = (minutes: number) => new Date(Date.UTC(2026, 11, 5, 12, minutes));
    await useCase.execute({ kind: 'reschedule-deadline', subjectId, dueAt: at(1), sourceEventId: 'e1', occurredAt: occurred(0) });
    expect(await stored('reschedule-deadline', subjectId)).toMatchObject({ dueAt: at(1), status: 'scheduled', sourceEventId: 'e1' });

    await useCase.execute({ kind: 'reschedule-deadline', subjectId, dueAt: at(2), sourceEventId: 'e2', occurredAt: occurred(5) });
    await useCase.execute({ kind: 'reschedule-deadline', subjectId, dueAt: at(3), sourceEventId: 'e0', occurredAt: occurred(1) }); // older, late
    await useCase.execute({ kind: 'reschedule-deadline', subjectId, dueAt: at(2), sourceEventId: 'e2', occurredAt: occurred(5) }); // redelivered

    expect(await stored('reschedule-deadline', subjectId)).toMatchObject({ dueAt: at(2), status: 'scheduled', sourceEventId: 'e2' });
    expect(await timers.countDocuments({ subjectId })).toBe(1);
  });

  it('keeps a fired timer fired', async () => {
    const subjectId = randomUUID();
    await useCase.execute({ kind: 'reschedule-deadline', subjectId, dueAt: new Date(Date.now() + HOUR), sourceEventId: 'e1' });
    await timers.updateOne({ _id: timerId('reschedule-deadline', subjectId) }, { $set: { status: 'fired' } });

    await useCase.execute({ kind: 'reschedule-deadline', subjectId, dueAt: new Date(Date.now() + 2 * HOUR), sourceEventId: 'e2' });

    expect(await stored('reschedule-deadline', subjectId)).toMatchObject({ status: 'fired', sourceEventId: 'e1' });
  });

  it('applies a plan: new timers in one write, existing ones moved, cancelled ones ended, and a redelivery changes nothing', async () => {
    const subjectId = randomUUID();
    const deadline = new Date(Date.now() + 48 * HOUR);
    const context = { sourceEventId: 'e1', occurredAt: new Date(), dataFor: () => ({ providerId: 'p', patientId: 'u', at: deadline.toISOString() }) };
    await useCase.applyPlan(subjectId, { schedule: [{ kind: 'confirmation-deadline', dueAt: deadline }], cancel: [] }, context);
    const moved = new Date(deadline.getTime() + HOUR);
    const plan = {
      schedule: [
        { kind: 'confirmation-deadline' as const, dueAt: moved },
        { kind: 'reminder-24h' as const, dueAt: new Date(Date.now() + 30 * HOUR) },
        { kind: 'reminder-1h' as const, dueAt: new Date(Date.now() + 40 * HOUR) },
      ],
      cancel: [],
    };
    const later = { ...context, sourceEventId: 'e2', occurredAt: new Date(context.occurredAt.getTime() + 1000) };

    await useCase.applyPlan(subjectId, plan, later);
    const byKind = async () => (await timers.find({ subjectId }).lean<TimerDocument[]>()).sort((a, b) => a.kind.localeCompare(b.kind));
    const first = await byKind();
    await useCase.applyPlan(subjectId, plan, later); // the same event again
    await useCase.applyPlan(subjectId, { schedule: [], cancel: ['reminder-1h'] }, { ...later, sourceEventId: 'e3' });

    expect(first.map((t) => [t.kind, t.dueAt.getTime(), t.status, t.sourceEventId])).toEqual([
      ['confirmation-deadline', moved.getTime(), 'scheduled', 'e2'],
      ['reminder-1h', plan.schedule[2]!.dueAt.getTime(), 'scheduled', 'e2'],
      ['reminder-24h', plan.schedule[1]!.dueAt.getTime(), 'scheduled', 'e2'],
    ]);
    expect((await stored('reminder-1h', subjectId))?.status).toBe('cancelled');
    expect(await timers.countDocuments({ subjectId })).toBe(3);
  });

  it('answers whether a plan had anything to do: nothing to set and nothing scheduled to end is false', async () => {
    const subjectId = randomUUID();
    const dueAt = new Date(Date.now() + 48 * HOUR);
    const context = { sourceEventId: 'e1', occurredAt: new Date(), dataFor: () => ({ providerId: 'p', patientId: 'u', at: dueAt.toISOString() }) };

    expect(await useCase.applyPlan(subjectId, { schedule: [], cancel: ['confirmation-deadline'] }, context)).toBe(false); // none to end
    expect(await useCase.applyPlan(subjectId, { schedule: [{ kind: 'confirmation-deadline', dueAt }], cancel: [] }, context)).toBe(true);
    const ending = { ...context, sourceEventId: 'e2', occurredAt: new Date(context.occurredAt.getTime() + 1000) };
    expect(await useCase.applyPlan(subjectId, { schedule: [], cancel: ['confirmation-deadline'] }, ending)).toBe(true);
    expect(await useCase.applyPlan(subjectId, { schedule: [], cancel: ['confirmation-deadline'] }, ending)).toBe(false); // ended already
    expect((await stored('confirmation-deadline', subjectId))?.status).toBe('cancelled');
  });
});
