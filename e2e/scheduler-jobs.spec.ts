import { randomUUID } from 'node:crypto';
import { Topics } from '@bp/contracts';
import { type TopicProbe, type ProbedRecord, type RunningService, probeTopic, startService, testKafka, waitFor } from '@bp/testing';
import { createProvider, internalCall, slotStart } from './support/internal-api.js';
import { type TestPlatform, portOf, startPlatform } from './support/test-platform.js';
import { FIRST_DAY_TRUST_SCORE } from './support/trust-score.js';

const EVERY_2S = '*/2 * * * * *';
const JOB_ENV = {
  JOB_CLEANUP_CRON: EVERY_2S,
  JOB_PROVIDER_STATS_CRON: EVERY_2S,
  JOB_CALENDAR_SYNC_RETRY_CRON: EVERY_2S,
  JOB_PAYMENT_HOLD_MONITOR_CRON: EVERY_2S,
  JOB_LEASE_SECONDS: '30',
  JOB_FRESHNESS_GRACE_SECONDS: '5',
  TIMER_POLL_INTERVAL_MS: '500',
};

interface RunDoc {
  _id: string;
  job: string;
  scheduledFor: Date;
  owner: string;
  outcome: string;
  error?: string;
}

/**
 * scheduler-svc's periodic jobs with two replicas on a 2-second cron: every tick runs once, its
 * command reaches Kafka once, a crashed owner's lease lapses, a failing run is recorded and counted,
 * and booking-svc does the work the commands ask for.
 */
describe('scheduler-svc periodic jobs', () => {
  let platform: TestPlatform;
  let second: RunningService;
  let bookingCommands: TopicProbe;
  let calendarCommands: TopicProbe;
  const kafka = testKafka();

  beforeAll(async () => {
    bookingCommands = await probeTopic(Topics.bookingCommands, kafka);
    calendarCommands = await probeTopic(Topics.calendarCommands, kafka);
    platform = await startPlatform(['booking-svc', 'scheduler-svc'], { portOffset: 280, env: { 'scheduler-svc': JOB_ENV } });
    second = await startService('scheduler-svc', portOf('scheduler-svc', 281), {
      ...JOB_ENV,
      MONGO_DB: platform.database('scheduler-svc'),
      KAFKA_GROUP_ID: platform.group('scheduler-svc'),
    });
  }, 120_000);

  afterAll(async () => {
    await bookingCommands?.stop();
    await calendarCommands?.stop();
    await second?.stop();
    await platform?.stop();
  }, 60_000);

  const schedulerDb = () => platform.mongo.db(platform.database('scheduler-svc'));
  const bookingDb = () => platform.mongo.db(platform.database('booking-svc'));
  const runs = (job: string) => schedulerDb().collection<RunDoc>('job_runs').find({ job }).sort({ scheduledFor: 1 }).toArray();
  const leases = () => schedulerDb().collection<{ _id: string }>('job_leases');
  const commandsOf = (records: ProbedRecord[], runId: string) => records.filter((r) => r.value?.includes(`"runId":"${runId}"`));
  const metricsOf = async (url: string) => (await fetch(`${url}/metrics`)).text();
  const metric = (text: string, pattern: RegExp) => Number(text.match(pattern)?.[1] ?? 0);
  const jobsView = async (url: string) => (await internalCall(url, 'GET', '/internal/jobs', undefined)).body.data.jobs as any[];

  it('runs each tick of a job exactly once across two replicas, and sends its command once', async () => {
    await waitFor(
      async () => (await runs('cleanup')).length >= 5,
      30_000,
      () => 'five cleanup runs',
    );
    const done = (await runs('cleanup')).filter((run) => run.outcome === 'success');
    // Every command these runs sent is on its topic, and the probes have read up to there: a duplicate would show.
    const checked = [...done.slice(0, -1), ...(await runs('calendar-sync-retry')).filter((run) => run.outcome === 'success').slice(0, -1)];
    await waitFor(
      async () =>
        (await schedulerDb()
          .collection('job_runs')
          .countDocuments({ _id: { $in: checked.map((run) => run._id) } as never, outboxPending: true })) === 0,
      15_000,
      () => 'the runs’ commands published',
    );
    await Promise.all([bookingCommands.caughtUp(), calendarCommands.caughtUp()]);
    const ticks = done.map((run) => run.scheduledFor.getTime());
    expect(new Set(ticks).size).toBe(ticks.length);
    for (const tick of ticks) expect(tick % 2_000).toBe(0); // runs belong to the cron's ticks
    for (const run of done.slice(0, -1)) {
      const sent = commandsOf(bookingCommands.records, run._id).map((r) => JSON.parse(r.value!));
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({ type: 'CleanUpBookingHolds', payload: { runId: run._id, scheduledFor: run.scheduledFor.toISOString() } });
    }
    // The calendar sync retry goes to calendar-svc's command topic, once per tick as well.
    const calendarRuns = checked.filter((run) => run.job === 'calendar-sync-retry');
    expect(calendarRuns.length).toBeGreaterThan(0);
    for (const run of calendarRuns) expect(commandsOf(calendarCommands.records, run._id)).toHaveLength(1);
    // Both replicas count only what they ran: together, each run once.
    const succeeded = await Promise.all(
      [platform.url('scheduler-svc'), second.url].map(async (url) =>
        metric(await metricsOf(url), /^scheduler_job_runs_total\{[^}]*job="cleanup"[^}]*outcome="success"[^}]*\} (\d+)/m),
      ),
    );
    const recorded = (await runs('cleanup')).filter((run) => run.outcome === 'success').length;
    expect(succeeded[0]! + succeeded[1]!).toBeGreaterThanOrEqual(recorded - 1); // a run may be between its write and its count
    expect(succeeded[0]! + succeeded[1]!).toBeLessThanOrEqual(recorded);
  }, 60_000);

  it('waits while a crashed owner holds the lease, and another replica takes the job over once it lapses', async () => {
    const crashedAt = Date.now();
    const lapsesAt = new Date(crashedAt + 5_000);
    await leases().updateOne({ _id: 'payment-hold-monitor' }, { $set: { owner: 'crashed-replica', expiresAt: lapsesAt }, $inc: { revision: 1 } });
    await waitFor(
      async () => (await runs('payment-hold-monitor')).some((run) => run.scheduledFor.getTime() >= lapsesAt.getTime()),
      20_000,
      () => 'a run after the lease lapsed',
    );
    const all = await runs('payment-hold-monitor');
    const duringLease = all.filter((run) => run.scheduledFor.getTime() > crashedAt + 1_000 && run.scheduledFor.getTime() < lapsesAt.getTime());
    expect(duringLease).toEqual([]);
    const after = all.find((run) => run.scheduledFor.getTime() >= lapsesAt.getTime())!;
    expect(after.owner).not.toBe('crashed-replica');
    expect(after.outcome).toBe('success');
  }, 40_000);

  it('records a failing run with its error, counts the failure, and recovers', async () => {
    // A corrupted lease (its revision no longer a number; the run in flight, if any, cannot give it back) makes every attempt to take it fail in the database.
    await leases().updateOne({ _id: 'provider-stats' }, { $set: { revision: 'corrupted' }, $unset: { owner: 1 } } as never);
    await waitFor(
      async () => (await runs('provider-stats')).some((run) => run.outcome === 'failure'),
      15_000,
      () => 'a failed run',
    );
    const failed = (await runs('provider-stats')).find((run) => run.outcome === 'failure')!;
    expect(failed.error).toEqual(expect.any(String));
    expect(failed.error!.length).toBeGreaterThan(0);
    const view = (await jobsView(platform.url('scheduler-svc'))).find((job) => job.name === 'provider-stats');
    expect(view).toMatchObject({ lastOutcome: 'failure', lastError: expect.any(String), lastFailureAt: expect.any(String) });
    const failures = await Promise.all(
      [platform.url('scheduler-svc'), second.url].map(async (url) =>
        metric(await metricsOf(url), /^scheduler_job_failures_total\{[^}]*job="provider-stats"[^}]*\} (\d+)/m),
      ),
    );
    expect(failures[0]! + failures[1]!).toBeGreaterThan(0);
    expect(bookingCommands.records.filter((r) => r.value?.includes(`"runId":"${failed._id}"`))).toEqual([]); // a failed run sends nothing

    await leases().updateOne({ _id: 'provider-stats' }, { $set: { revision: 1_000 } });
    await waitFor(
      async () => (await jobsView(platform.url('scheduler-svc'))).find((job) => job.name === 'provider-stats')?.lastOutcome === 'success',
      15_000,
      () => 'the job to succeed again',
    );
  }, 40_000);

  it('lists every job with its schedule, last runs and freshness on /internal/jobs, behind the internal token', async () => {
    const refused = await fetch(`${second.url}/internal/jobs`);
    expect(refused.status).toBe(401);
    const jobs = await jobsView(second.url);
    expect(jobs.map((job) => job.name).sort()).toEqual(['calendar-sync-retry', 'cleanup', 'expire-deadlines', 'payment-hold-monitor', 'provider-stats']);
    const cleanup = jobs.find((job) => job.name === 'cleanup');
    expect(cleanup).toMatchObject({ schedule: EVERY_2S, freshnessLimitSeconds: 9, fresh: true, lastOutcome: 'success', lastSuccessAt: expect.any(String) });
    expect(cleanup.lastDurationMs).toEqual(expect.any(Number));
    expect(jobs.find((job) => job.name === 'expire-deadlines')).toMatchObject({ schedule: 'every 500 ms', freshnessLimitSeconds: 6, fresh: true });
  });

  it('publishes the job metrics on /metrics', async () => {
    const text = await metricsOf(platform.url('scheduler-svc'));
    expect(text).toMatch(/^scheduler_job_duration_seconds_bucket\{[^}]*job="cleanup"/m);
    expect(text).toMatch(/^scheduler_job_runs_total\{[^}]*job="expire-deadlines"[^}]*outcome="success"[^}]*\} [1-9]/m);
    expect(text).toMatch(/^scheduler_job_failures_total\{/m);
    const lastSuccess = metric(text, /^scheduler_job_last_success_timestamp_seconds\{[^}]*job="cleanup"[^}]*\} ([\d.e+]+)/m);
    expect(lastSuccess * 1000).toBeGreaterThan(Date.now() - 10_000);
  });

  it('makes booking-svc release a lapsed reservation and recompute provider stats', async () => {
    const booking = platform.url('booking-svc');
    const provider = await createProvider(booking);
    const patient = { type: 'patient' as const, id: `patient-${randomUUID()}` };
    const reserved = await internalCall(booking, 'POST', '/internal/reservations', patient, {
      providerId: provider.id,
      serviceId: 'svc-consult',
      startTime: slotStart(30).toISOString(),
    });
    expect(reserved.status).toBe(201);
    const reservationId = reserved.body.data.id as string;
    const claims = bookingDb().collection<{ holdId: string; expiresAt?: Date }>('slot_claims');
    expect(await claims.countDocuments({ holdId: reservationId })).toBeGreaterThan(0);
    // The reservation lapses (as if its five minutes had passed) — with its hold and the patient's place.
    const past = new Date(Date.now() - 1_000);
    await bookingDb()
      .collection('slot_reservations')
      .updateOne({ _id: reservationId as never }, { $set: { expiresAt: past } });
    await bookingDb()
      .collection('slot_holds')
      .updateOne({ _id: reservationId as never }, { $set: { expiresAt: past } });
    await claims.updateMany({ holdId: reservationId, expiresAt: { $exists: true } }, { $set: { expiresAt: past } });
    // A provider whose trust score was last worked out long ago.
    const aYearAgo = new Date(Date.now() - 400 * 86_400_000);
    await bookingDb()
      .collection('provider_stats')
      .updateOne(
        { _id: provider.id as never },
        {
          $set: {
            accountCreatedAt: aYearAgo,
            // As worked out on the account's first day: no age yet.
            trustScore: { ...FIRST_DAY_TRUST_SCORE, lastCalculatedAt: aYearAgo },
          },
        },
      );

    const state = async () => {
      const reservation = await bookingDb()
        .collection('slot_reservations')
        .findOne({ _id: reservationId as never });
      const stored = await bookingDb()
        .collection('provider_stats')
        .findOne({ _id: provider.id as never });
      return {
        reservation: reservation?.['status'],
        claims: await claims.countDocuments({ holdId: reservationId }),
        trustScore: stored?.['trustScore']?.score,
      };
    };
    let last: unknown;
    await waitFor(
      async () => {
        last = await state();
        return JSON.stringify(last) === JSON.stringify({ reservation: 'expired', claims: 0, trustScore: 100 });
      },
      20_000,
      () => `the cleanup and the stats recompute (now ${JSON.stringify(last)})`,
    );
    const stored = await bookingDb()
      .collection('provider_stats')
      .findOne({ _id: provider.id as never });
    expect(stored?.['trustScore']).toMatchObject({ score: 100, factors: { accountAge: { weight: 10, value: 100 } } });
    expect(new Date(stored?.['trustScore'].lastCalculatedAt).getTime()).toBeGreaterThan(Date.now() - 20_000);
    // The patient's place is free again: three new reservations go through.
    for (const hours of [31, 32, 33]) {
      const again = await internalCall(booking, 'POST', '/internal/reservations', patient, {
        providerId: provider.id,
        serviceId: 'svc-consult',
        startTime: slotStart(hours).toISOString(),
      });
      expect(again.status).toBe(201);
    }
  }, 60_000);
});
