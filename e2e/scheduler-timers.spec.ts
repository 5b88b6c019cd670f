import { randomUUID } from 'node:crypto';
import { Topics } from '@bp/contracts';
import { type TopicProbe, type RunningService, probeTopic, publish, startService, testKafka, waitFor } from '@bp/testing';
import { scrape } from './support/scrape.js';
import { type TestPlatform, portOf, startPlatform } from './support/test-platform.js';

/**
 * Booking deadlines on the real scheduler: two replicas share the timers, each deadline fires its
 * ExpireBookingDeadline exactly once and on time, and a booking that moves on ends or moves its timer.
 */
describe('scheduler-svc deadline timers', () => {
  let platform: TestPlatform;
  let second: RunningService;
  let commands: TopicProbe;
  let events: TopicProbe;
  const kafka = testKafka();
  const producer = kafka.producer();

  beforeAll(async () => {
    platform = await startPlatform(['scheduler-svc'], {
      portOffset: 230,
      env: { 'scheduler-svc': { TIMER_POLL_INTERVAL_MS: '500', TIMER_CATCH_UP_INTERVAL_MS: '2000', CONFIRMATION_WARNING_HOURS: '1' } },
    });
    second = await startService('scheduler-svc', portOf('scheduler-svc', 240), {
      MONGO_DB: platform.database('scheduler-svc'),
      KAFKA_GROUP_ID: platform.group('scheduler-svc'),
      TIMER_POLL_INTERVAL_MS: '500',
      TIMER_CATCH_UP_INTERVAL_MS: '2000',
      CONFIRMATION_WARNING_HOURS: '1',
    });
    commands = await probeTopic(Topics.bookingCommands, kafka);
    events = await probeTopic(Topics.schedulerEvents, kafka);
    await producer.connect();
  }, 120_000);

  afterAll(async () => {
    await producer.disconnect();
    await commands?.stop();
    await events?.stop();
    await second?.stop();
    await platform?.stop();
  }, 60_000);

  const statusChanged = (bookingId: string, status: string, deadline?: Date, startTime = new Date(Date.now() + 86_400_000)) =>
    publish(
      producer,
      Topics.bookingEvents,
      'BookingStatusChanged',
      {
        bookingId,
        bookingNumber: 'FH-20300101-AAAAA',
        patientId: 'patient-1',
        providerId: 'provider-1',
        bookingType: 'request',
        status,
        reason: 'status_changed',
        startTime: startTime.toISOString(),
        endTime: new Date(startTime.getTime() + 1_800_000).toISOString(),
        providerTimezone: 'UTC',
        patientTimezone: 'UTC',
        ...(deadline ? { deadline: deadline.toISOString() } : {}),
        priceCents: 10_000,
        currency: 'usd',
      },
      bookingId,
    );
  const commandsFor = (bookingId: string) =>
    commands.records.filter((r) => r.value?.includes(`"bookingId":"${bookingId}"`)).map((r) => ({ ...JSON.parse(r.value!), receivedAt: r.receivedAt }));
  /**
   * A barrier instead of a sleep: both replicas finish two more polls (a timer still due, or due
   * again, would have fired by then), every fired timer's message leaves its outbox, and the probes
   * have received everything published so far.
   */
  async function timersSettled() {
    const polls = async (url: string) => (await scrape(url)).value('scheduler_job_runs_total', { job: 'expire-deadlines', outcome: 'success' }) ?? 0;
    const replicas = [platform.url('scheduler-svc'), second.url];
    const before = await Promise.all(replicas.map(polls));
    await waitFor(
      async () => (await Promise.all(replicas.map(polls))).every((count, i) => count >= before[i]! + 2),
      15_000,
      () => 'two more polls on each replica',
    );
    const timers = platform.mongo.db(platform.database('scheduler-svc')).collection('timers');
    await waitFor(
      async () => (await timers.countDocuments({ outboxPending: true })) === 0,
      15_000,
      () => 'the timers’ outboxes published',
    );
    await Promise.all([commands.caughtUp(), events.caughtUp()]);
  }
  const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

  it('fires each confirmation deadline once, within seconds of its time, with two replicas polling', async () => {
    const start = Date.now();
    const deadlines = Array.from({ length: 30 }, (_, i) => ({ bookingId: `b-${randomUUID()}`, dueAt: new Date(start + 3_000 + i * 150) }));
    for (const { bookingId, dueAt } of deadlines) await statusChanged(bookingId, 'pending_confirmation', dueAt);
    await waitFor(
      () => deadlines.every(({ bookingId }) => commandsFor(bookingId).length > 0),
      30_000,
      () => 'every deadline to fire',
    );
    await timersSettled(); // a second firing would show up by now
    const lateness: number[] = [];
    for (const { bookingId, dueAt } of deadlines) {
      const fired = commandsFor(bookingId);
      expect(fired).toHaveLength(1);
      expect(fired[0]).toMatchObject({ type: 'ExpireBookingDeadline', payload: { bookingId, deadline: 'confirmation' } });
      expect(fired[0].receivedAt).toBeGreaterThanOrEqual(dueAt.getTime());
      lateness.push(fired[0].receivedAt - dueAt.getTime());
    }
    lateness.sort((a, b) => a - b);
    const [p50, p99] = [percentile(lateness, 50), percentile(lateness, 99)];
    process.stdout.write(
      `scheduler timer lateness over ${lateness.length} timers, 2 replicas, 500 ms poll: p50 ${p50} ms, p99 ${p99} ms, max ${lateness.at(-1)} ms\n`,
    );
    expect(p99).toBeLessThan(5_000);
    // Both replicas took part in the firing (each counts what it fired).
    const fired = await Promise.all(
      [platform.url('scheduler-svc'), second.url].map(async (url) => {
        const metrics = await (await fetch(`${url}/metrics`)).text();
        return Number(metrics.match(/^scheduler_timers_fired_total\{[^}]*kind="confirmation-deadline"[^}]*\} (\d+)/m)?.[1] ?? 0);
      }),
    );
    expect(fired[0]! + fired[1]!).toBe(deadlines.length);
  }, 60_000);

  it('fires a timer left overdue by minutes while no replica ran, at the next catch-up', async () => {
    const bookingId = `b-${randomUUID()}`;
    const now = new Date();
    const db = platform.mongo.db(platform.database('scheduler-svc'));
    const fiveMinutesAgo = new Date(now.getTime() - 5 * 60_000);
    // As if every replica had been down for ten minutes: the catch-up swept only up to then…
    await waitFor(
      async () => (await db.collection('timer_sweeps').countDocuments({ _id: 'catch-up' as never })) === 1,
      15_000,
      () => 'the first catch-up',
    );
    await db
      .collection('timer_sweeps')
      .updateOne({ _id: 'catch-up' as never }, { $set: { sweptThrough: new Date(now.getTime() - 10 * 60_000).toISOString().slice(0, 16) } });
    // …and a deadline in its minute five minutes ago was never polled.
    await db.collection('timers').insertOne({
      _id: `confirmation-deadline:${bookingId}`,
      kind: 'confirmation-deadline',
      subjectId: bookingId,
      dueAt: fiveMinutesAgo,
      pollMinute: fiveMinutesAgo.toISOString().slice(0, 16),
      status: 'scheduled',
      sourceEventId: randomUUID(),
      updatedAt: now,
      outbox: [],
      outboxRevision: 0,
    } as never);
    const [fired] = await waitFor(
      () => (commandsFor(bookingId).length > 0 ? commandsFor(bookingId) : undefined),
      15_000,
      () => 'the overdue timer to fire',
    );
    expect(fired).toMatchObject({ type: 'ExpireBookingDeadline', payload: { bookingId, deadline: 'confirmation' } });
    // The watermark moved on to two minutes ago.
    const swept = (await db.collection('timer_sweeps').findOne({ _id: 'catch-up' as never }))?.['sweptThrough'] as string;
    expect(Date.parse(`${swept}:00Z`)).toBeGreaterThanOrEqual(Date.parse(`${now.toISOString().slice(0, 16)}:00Z`) - 3 * 60_000);
  }, 60_000);

  it('ends the timer when the provider answers in time, and moves to the reschedule deadline when a new time is proposed', async () => {
    const answered = `b-${randomUUID()}`;
    const moved = `b-${randomUUID()}`;
    await statusChanged(answered, 'pending_confirmation', new Date(Date.now() + 2_000));
    await statusChanged(moved, 'pending_confirmation', new Date(Date.now() + 2_000));
    await statusChanged(answered, 'confirmed');
    await statusChanged(moved, 'reschedule_proposed', new Date(Date.now() + 3_500));
    await waitFor(
      () => commandsFor(moved).length > 0,
      15_000,
      () => 'the reschedule deadline',
    );
    await timersSettled();
    expect(commandsFor(moved).map((c) => c.payload.deadline)).toEqual(['reschedule_response']);
    expect(commandsFor(answered)).toEqual([]);
  }, 60_000);

  it('warns the provider before a request’s deadline and reminds both parties before a confirmed appointment', async () => {
    const waiting = `b-${randomUUID()}`;
    const confirmed = `b-${randomUUID()}`;
    const soon = Date.now() + 3_600_000 + 2_000; // an hour and two seconds away
    await statusChanged(waiting, 'pending_confirmation', new Date(soon)); // the 1-hour warning is due in 2 s
    await statusChanged(confirmed, 'confirmed', undefined, new Date(soon)); // the 1-hour reminder is due in 2 s; the 24-hour one is past
    const eventsFor = (bookingId: string) => events.records.filter((r) => r.value?.includes(`"bookingId":"${bookingId}"`)).map((r) => JSON.parse(r.value!));
    await waitFor(
      () => eventsFor(waiting).length > 0 && eventsFor(confirmed).length > 0,
      15_000,
      () => 'the warning and the reminder',
    );
    await timersSettled();
    expect(eventsFor(waiting)).toEqual([
      expect.objectContaining({
        type: 'ConfirmationDeadlineApproaching',
        payload: { bookingId: waiting, providerId: 'provider-1', patientId: 'patient-1', deadline: new Date(soon).toISOString() },
      }),
    ]);
    expect(eventsFor(confirmed)).toEqual([
      expect.objectContaining({
        type: 'AppointmentReminderDue',
        payload: { bookingId: confirmed, providerId: 'provider-1', patientId: 'patient-1', startTime: new Date(soon).toISOString(), hoursBefore: 1 },
      }),
    ]);
    expect(commandsFor(waiting)).toEqual([]); // the deadline itself is an hour away
  }, 60_000);
});
