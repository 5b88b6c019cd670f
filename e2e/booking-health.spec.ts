import { randomUUID } from 'node:crypto';
import { devToken, waitFor } from '@bp/testing';
import { type TestActor, createProvider, internalCall, slotStart } from './support/internal-api.js';
import { type TestPlatform, portOf, startPlatform } from './support/test-platform.js';

const OFFSET = 290;
const CACHE_MS = 300;

/**
 * GET /health/booking on the real gateway, booking-svc, payment-svc (on stripe-mock) and scheduler-svc:
 * healthy, degraded once a request waits past a (lowered) threshold, unhealthy with 503 when a
 * scheduler job goes stale and when the scheduler is gone.
 */
describe('GET /health/booking', () => {
  let platform: TestPlatform;
  let adminToken: string;

  beforeAll(async () => {
    platform = await startPlatform(['gateway', 'booking-svc', 'payment-svc', 'scheduler-svc'], {
      portOffset: OFFSET,
      env: {
        gateway: {
          SCHEDULER_SVC_URL: `http://127.0.0.1:${portOf('scheduler-svc', OFFSET)}`,
          HEALTH_PENDING_WARN_COUNT: '1',
          HEALTH_BOOKING_CACHE_MS: String(CACHE_MS),
        },
        'scheduler-svc': {
          JOB_CLEANUP_CRON: '*/2 * * * * *',
          JOB_PROVIDER_STATS_CRON: '*/2 * * * * *',
          JOB_CALENDAR_SYNC_RETRY_CRON: '*/2 * * * * *',
          JOB_PAYMENT_HOLD_MONITOR_CRON: '*/2 * * * * *',
          JOB_FRESHNESS_GRACE_SECONDS: '1',
          TIMER_POLL_INTERVAL_MS: '500',
        },
      },
    });
    adminToken = await devToken('admin', `admin-${randomUUID()}`);
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
  }, 60_000);

  const health = async (token?: string) => {
    const response = await fetch(`${platform.url('gateway')}/health/booking`, { headers: { authorization: `Bearer ${token ?? adminToken}` } });
    return { status: response.status, body: (await response.json()) as any };
  };

  it('answers admins only, and computes at most once per cache period however often it is asked', async () => {
    expect((await fetch(`${platform.url('gateway')}/health/booking`)).status).toBe(401);
    expect((await health(await devToken('patient', `patient-${randomUUID()}`))).status).toBe(403);
    const asked = Date.now();
    const answers = await Promise.all(Array.from({ length: 20 }, () => health()));
    const elapsedMs = Date.now() - asked;
    // A computation starts only once the previous one's period (300 ms here) has run out, so however slow
    // the machine, the 20 answers come from at most one computation per period they spanned.
    const computations = new Set(answers.map((a) => a.body.timestamp)).size;
    expect(computations).toBeGreaterThanOrEqual(1);
    expect(computations).toBeLessThanOrEqual(1 + Math.floor(elapsedMs / CACHE_MS));
  });

  it('is healthy with nothing waiting and every job fresh, without ids', async () => {
    const answer = await waitFor(
      async () => {
        const current = await health();
        return current.body.status === 'healthy' ? current : undefined;
      },
      20_000,
      () => 'a healthy answer',
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      status: 'healthy',
      timestamp: expect.any(String),
      checks: {
        database: { status: 'healthy' },
        pendingBookings: { status: 'healthy', count: 0 },
        expiringSoon: { status: 'healthy', count: 0 },
        paymentHolds: { status: 'healthy', count: 0, amountCents: {} },
        cronJobs: { status: 'healthy' },
      },
    });
    expect(answer.body.checks.cronJobs.jobs.map((job: any) => job.name).sort()).toEqual([
      'calendar-sync-retry',
      'cleanup',
      'expire-deadlines',
      'payment-hold-monitor',
      'provider-stats',
    ]);
    expect(JSON.stringify(answer.body)).not.toMatch(/providerId|patientId|bookingId|provider-[0-9a-f]{8}|patient-[0-9a-f]{8}/);
  }, 30_000);

  it('is degraded (still 200) when requests waiting reach the threshold, and counts the hold', async () => {
    const booking = platform.url('booking-svc');
    const provider = await createProvider(booking);
    const patient: TestActor = { type: 'patient', id: `patient-${randomUUID()}` };
    const reservation = await internalCall(booking, 'POST', '/internal/reservations', patient, {
      providerId: provider.id,
      serviceId: 'svc-consult',
      startTime: slotStart(30).toISOString(),
    });
    expect(reservation.status).toBe(201);
    const created = await internalCall(booking, 'POST', '/internal/bookings', patient, { reservationId: reservation.body.data.id, patientTimezone: 'UTC' });
    expect(created.body.data.bookingType).toBe('request');
    await waitFor(
      async () => (await internalCall(booking, 'GET', `/internal/bookings/${created.body.data.id}`, patient)).body.data?.status === 'pending_confirmation',
      30_000,
      () => 'the request to wait for the provider (hold placed on stripe-mock)',
    );
    // The pending tally is kept by the outbox relay right after the write: a moment after the status.
    const answer = await waitFor(
      async () => {
        const current = await health();
        return current.body.status === 'degraded' ? current : undefined;
      },
      15_000,
      () => 'a degraded answer',
    );
    expect(answer.status).toBe(200);
    expect(answer.body.checks.pendingBookings).toEqual({ status: 'warning', count: 1 });
    expect(answer.body.checks.paymentHolds).toMatchObject({ status: 'healthy', count: 1, amountCents: { usd: 10_000 } });
    expect(answer.body.checks.cronJobs.status).toBe('healthy');
  }, 60_000);

  it('is unhealthy with 503 when a scheduler job goes stale, and when the scheduler does not answer', async () => {
    // Every cleanup run now fails in the database (its lease's revision is no longer a number): the job goes stale.
    const leases = platform.mongo.db(platform.database('scheduler-svc')).collection<{ _id: string }>('job_leases');
    await leases.updateOne({ _id: 'cleanup' }, { $set: { revision: 'corrupted' }, $unset: { owner: 1 } } as never);
    const stale = await waitFor(
      async () => {
        const current = await health();
        return current.status === 503 ? current : undefined;
      },
      20_000,
      () => 'a 503 for the stale job',
    );
    expect(stale.body.status).toBe('unhealthy');
    expect(stale.body.checks.cronJobs.status).toBe('unhealthy');
    expect(stale.body.checks.cronJobs.jobs.filter((job: any) => !job.fresh).map((job: any) => job.name)).toEqual(['cleanup']);

    await platform.services['scheduler-svc']!.stop();
    // The answer is cached for HEALTH_BOOKING_CACHE_MS (300 ms here): the one computed after the stop says so.
    const gone = await waitFor(
      async () => {
        const current = await health();
        return current.body.checks.cronJobs.error ? current : undefined;
      },
      10_000,
      () => 'an answer computed without the scheduler',
    );
    expect(gone.status).toBe(503);
    expect(gone.body.checks.cronJobs).toEqual({ status: 'unhealthy', error: 'UPSTREAM_UNAVAILABLE' });
    expect(gone.body.checks.database).toEqual({ status: 'healthy' });
  }, 40_000);
});
