import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { jest } from '@jest/globals';
import type { Connection, Model } from 'mongoose';
import { AggregateStore, relayThatNeverPublishes } from '@bp/outbox';
import { Retention } from '@bp/platform';
import { uniqueSuffix, connectScratchDatabase, dropScratchDatabase } from '@bp/testing';
import { SchedulerConfig } from './config/scheduler.config.js';
import { JobCatalog } from './jobs/application/job-catalog.js';
import { JobRunner } from './jobs/application/job-runner.js';
import type { TimerPollHeartbeat } from './jobs/application/timer-poll-heartbeat.js';
import { JOB_LEASE_MODEL, type JobLeaseDocument, JobLeaseSchema } from './jobs/infrastructure/job-lease.schema.js';
import { JobLeaseStore } from './jobs/infrastructure/job-lease.store.js';
import { JobRunStore } from './jobs/infrastructure/job-run.store.js';
import { JOB_RUN_MODEL, type JobRunDocument, JobRunSchema } from './jobs/infrastructure/job-run.schema.js';
import { schedulerRetentionRules } from './retention.js';
import { TimerFirer } from './timers/application/fire-timers/timer-firer.js';
import { ScheduleTimerUseCase } from './timers/application/schedule-timer/schedule-timer.use-case.js';
import { timerId } from './timers/domain/timer.js';
import { CatchUpWatermark } from './timers/infrastructure/catch-up-watermark.store.js';
import { TIMER_MODEL, type TimerDocument, TimerSchema } from './timers/infrastructure/timer.schema.js';
import { TimerStore } from './timers/infrastructure/timer.store.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/**
 * scheduler-svc's retention table applied to timers and job runs written by its own code, pruned "in
 * the future" (a run `now + n days`). The outbox relay is left out on purpose (nothing is published to
 * the platform's topics): what the writes put in an outbox stays pending until the test clears it the
 * way the relay does once Kafka has the messages.
 */
describe('scheduler-svc retention on the real MongoDB-compatible server', () => {
  let connection: Connection;
  let timers: Model<TimerDocument>;
  let runs: Model<JobRunDocument>;
  const notPublishing = relayThatNeverPublishes();
  const config = new SchedulerConfig();
  const published = (model: Model<any>, id: string) =>
    model.collection.updateOne(
      { _id: id as never },
      { $set: { outbox: [] }, $unset: { outboxRecords: 1, outboxPending: 1, outboxPendingSince: 1, outboxLockedUntil: 1 } },
    );
  const timerStatus = async (kind: string, subjectId: string) => (await timers.findById(timerId(kind as never, subjectId)).lean<TimerDocument>())?.status;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    connection = await connectScratchDatabase(`scheduler_retention_${uniqueSuffix()}`);
    timers = connection.model<TimerDocument>(TIMER_MODEL, TimerSchema);
    runs = connection.model<JobRunDocument>(JOB_RUN_MODEL, JobRunSchema);
    await Promise.all([timers.init(), runs.init()]);
  });

  afterAll(async () => {
    await dropScratchDatabase(connection);
  });

  it('deletes fired and cancelled timers and job runs after their periods once their messages are published, and never a scheduled timer', async () => {
    expect([config.TIMER_RETENTION_DAYS, config.JOB_RUN_RETENTION_DAYS]).toEqual([30, 14]);
    const schedule = new ScheduleTimerUseCase(new TimerStore(timers, new AggregateStore(timers, notPublishing)));
    const firer = new TimerFirer(
      new TimerStore(timers, new AggregateStore(timers, notPublishing)),
      new CatchUpWatermark(timers),
      config,
      undefined as unknown as TimerPollHeartbeat,
    );
    // The poll interval bootstrap starts is stopped at once (fireDue is called here).
    firer.onApplicationBootstrap();
    await firer.onApplicationShutdown();
    const [fired, cancelled, revived, pending] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const now = Date.now();
    const data = { providerId: 'p1', patientId: 'u1', at: new Date(now + 40 * DAY).toISOString() };
    const event = (id: string, minutes: number) => ({ sourceEventId: id, occurredAt: new Date(now + minutes * 60_000), dataFor: () => data });

    // Fired now: its ExpireBookingDeadline waits in its outbox.
    await schedule.execute({ kind: 'confirmation-deadline', subjectId: fired, dueAt: new Date(now - 1_000), sourceEventId: 'e1' });
    expect(await firer.fireDue(new Date(now))).toBe(1);
    // Cancelled: the booking moved on.
    await schedule.applyPlan(cancelled, { schedule: [{ kind: 'reminder-24h', dueAt: new Date(now + 10 * DAY) }], cancel: [] }, event('e2', 0));
    await schedule.applyPlan(cancelled, { schedule: [], cancel: ['reminder-24h'] }, event('e3', 1));
    // Cancelled, then set again by a later event (an admin moved the booking back): live again.
    await schedule.applyPlan(revived, { schedule: [{ kind: 'reminder-1h', dueAt: new Date(now + 10 * DAY) }], cancel: [] }, event('e4', 0));
    await schedule.applyPlan(revived, { schedule: [], cancel: ['reminder-1h'] }, event('e5', 1));
    await schedule.applyPlan(revived, { schedule: [{ kind: 'reminder-1h', dueAt: new Date(now + 20 * DAY) }], cancel: [] }, event('e6', 2));
    // Scheduled, still waiting: one due in ten days (overdue by the last run below, as if no poll had fired it), one in sixty.
    await schedule.execute({ kind: 'reschedule-deadline', subjectId: pending, dueAt: new Date(now + 10 * DAY), sourceEventId: 'e7' });
    await schedule.execute({ kind: 'reminder-24h', subjectId: pending, dueAt: new Date(now + 60 * DAY), sourceEventId: 'e8' });
    // A job run: the cleanup command waits in its outbox.
    const leases = new JobLeaseStore(connection.model<JobLeaseDocument>(JOB_LEASE_MODEL, JobLeaseSchema));
    await leases.watch('cleanup', new Date(now));
    const cleanup = new JobCatalog(config).cronJobs().find((job) => job.name === 'cleanup')!;
    const tick = await new JobRunner(leases, new JobRunStore(runs, new AggregateStore(runs, notPublishing)), config).tick(
      cleanup,
      new Date(now - (now % 60_000)),
    );
    expect(tick).toMatchObject({ ran: true, outcome: 'success' });
    const runId = (tick as { runId: string }).runId;
    const retention = new Retention(connection, schedulerRetentionRules(config));

    // Fifteen days on, the run is past its 14 days, but its command has not reached Kafka: kept.
    await retention.prune(new Date(now + 15 * DAY));
    expect(await runs.countDocuments({ _id: runId })).toBe(1);

    await published(runs, runId);
    await published(timers, timerId('confirmation-deadline', fired));
    await retention.prune(new Date(now + 16 * DAY + HOUR));
    expect(await runs.countDocuments({ _id: runId })).toBe(0);
    expect(await timers.countDocuments()).toBe(5); // the timers' 30 days have not run out

    await retention.prune(new Date(now + 31 * DAY + 2 * HOUR));
    expect(await timerStatus('confirmation-deadline', fired)).toBeUndefined();
    expect(await timerStatus('reminder-24h', cancelled)).toBeUndefined();
    expect(await timerStatus('reminder-1h', revived)).toBe('scheduled');
    expect(await timerStatus('reschedule-deadline', pending)).toBe('scheduled');
    expect(await timerStatus('reminder-24h', pending)).toBe('scheduled');
  });

  it('keeps a fired timer whose command never reached Kafka', async () => {
    const subjectId = randomUUID();
    const firer = new TimerFirer(
      new TimerStore(timers, new AggregateStore(timers, notPublishing)),
      new CatchUpWatermark(timers),
      config,
      undefined as unknown as TimerPollHeartbeat,
    );
    firer.onApplicationBootstrap();
    await firer.onApplicationShutdown();
    await new ScheduleTimerUseCase(new TimerStore(timers, new AggregateStore(timers, notPublishing))).execute({
      kind: 'payment-retry-deadline',
      subjectId,
      dueAt: new Date(Date.now() - 1_000),
      sourceEventId: 'e1',
    });
    expect(await firer.fireDue()).toBe(1);

    await new Retention(connection, schedulerRetentionRules(config)).prune(new Date(Date.now() + 60 * DAY));

    expect(await timers.findById(timerId('payment-retry-deadline', subjectId)).lean<TimerDocument>()).toMatchObject({ status: 'fired', outboxPending: true });
  });

  it('sets a cancelled timer again even when retention deleted it between the read and the write', async () => {
    const subjectId = randomUUID();
    const schedule = new ScheduleTimerUseCase(new TimerStore(timers, new AggregateStore(timers, notPublishing)));
    const data = { providerId: 'p1', patientId: 'u1', at: new Date(Date.now() + 10 * DAY).toISOString() };
    const at = (minutes: number) => ({ occurredAt: new Date(Date.now() + minutes * 60_000), dataFor: () => data });
    await schedule.applyPlan(
      subjectId,
      { schedule: [{ kind: 'reminder-1h', dueAt: new Date(Date.now() + 5 * DAY) }], cancel: [] },
      { sourceEventId: 'e1', ...at(0) },
    );
    await schedule.applyPlan(subjectId, { schedule: [], cancel: ['reminder-1h'] }, { sourceEventId: 'e2', ...at(1) });
    // The plan reads the cancelled timer; retention deletes it before the plan's write.
    const find = timers.find.bind(timers);
    const read = jest.spyOn(timers, 'find').mockImplementationOnce(((...args: Parameters<typeof timers.find>) => {
      const query = find(...args);
      return {
        lean: async () => {
          const found = await query.lean();
          await new Retention(connection, schedulerRetentionRules(config)).prune(new Date(Date.now() + 40 * DAY));
          return found;
        },
      };
    }) as never);

    await schedule.applyPlan(
      subjectId,
      { schedule: [{ kind: 'reminder-1h', dueAt: new Date(Date.now() + 6 * DAY) }], cancel: [] },
      { sourceEventId: 'e3', ...at(2) },
    );

    read.mockRestore();
    expect(await timers.findById(timerId('reminder-1h', subjectId)).lean<TimerDocument>()).toMatchObject({ status: 'scheduled', sourceEventId: 'e3' });
  });
});
