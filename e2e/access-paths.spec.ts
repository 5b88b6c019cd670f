import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { devToken, infraEnv, waitFor } from '@bp/testing';
import { gatewayCall } from './support/gateway-client.js';
import { ROUND_THE_CLOCK, slotStart } from './support/internal-api.js';
import { SERVICE_NAMES, type TestPlatform, startPlatform } from './support/test-platform.js';

const EVERY_2S = '*/2 * * * * *';
/** Every poller of every service runs several times while the flows below run. */
const POLLERS_OFTEN = {
  'scheduler-svc': {
    JOB_CLEANUP_CRON: EVERY_2S,
    JOB_PROVIDER_STATS_CRON: EVERY_2S,
    JOB_CALENDAR_SYNC_RETRY_CRON: EVERY_2S,
    JOB_PAYMENT_HOLD_MONITOR_CRON: EVERY_2S,
    TIMER_POLL_INTERVAL_MS: '500',
    TIMER_CATCH_UP_INTERVAL_MS: '2000',
  },
  'payment-svc': { PAYMENT_SWEEP_INTERVAL_MS: '2000', PAYMENT_RECONCILE_INTERVAL_MS: '2000' },
  'notification-svc': { DEFERRED_SWEEP_INTERVAL_MS: '2000', DIGEST_SWEEP_INTERVAL_MS: '2000' },
};
/**
 * PostgreSQL flushes a backend's table statistics when it goes idle, at most once a second, and an
 * idle backend's pending ones after 10 s (PGSTAT_IDLE_INTERVAL): waiting longer sees every scan.
 */
const STATS_FLUSH_MS = 11_500;

type Scans = Map<string, number>;

/**
 * No request path or poller reads a collection whole. The FerretDB engine's PostgreSQL runs with
 * enable_seqscan off (infra/postgres/postgresql.conf), so it scans a table sequentially only when no
 * index can serve the query: every sequential scan of this platform's tables while it serves the
 * client flows and runs its pollers is a query FerretDB answered by reading the whole collection.
 */
describe('access paths: every query an index serves', () => {
  let platform: TestPlatform;
  let sql: pg.Client;
  const databases = () => SERVICE_NAMES.filter((name) => name !== 'gateway').map((name) => platform.database(name));

  beforeAll(async () => {
    const url = infraEnv()['FERRETDB_POSTGRES_URL'];
    if (!url) throw new Error('FERRETDB_POSTGRES_URL is not in .infra/env: this check reads the FerretDB engine’s PostgreSQL (scripts/infra up writes it)');
    sql = new pg.Client({ connectionString: url });
    await sql.connect();
    platform = await startPlatform(SERVICE_NAMES, { portOffset: 440, env: POLLERS_OFTEN });
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    await sql?.end();
  }, 60_000);

  /**
   * Sequential scans so far of each collection of this platform's databases, by `database.collection`
   * (FerretDB's catalogue table aside: this test reads it, below, to name the tables).
   */
  async function sequentialScans(): Promise<Scans> {
    const { rows } = await sql.query<{ schema: string; table: string; seq_scan: string }>(
      `SELECT schemaname AS schema, relname AS "table", seq_scan FROM pg_stat_user_tables
        WHERE schemaname = ANY($1) AND relname <> '_ferretdb_database_metadata'`,
      [databases()],
    );
    const names = await collectionNames();
    return new Map(rows.map((r) => [`${r.schema}.${names.get(`${r.schema}.${r.table}`) ?? r.table}`, Number(r.seq_scan)]));
  }

  /** `schema.table` → collection name, from FerretDB's own catalogue in each database's schema. */
  async function collectionNames(): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    for (const schema of databases()) {
      const exists = await sql.query(`SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = '_ferretdb_database_metadata'`, [schema]);
      if (exists.rowCount === 0) continue;
      const { rows } = await sql.query<{ collection: string; table: string }>(
        `SELECT _jsonb->>'_id' AS collection, _jsonb->>'table' AS "table" FROM ${pg.escapeIdentifier(schema)}._ferretdb_database_metadata`,
      );
      for (const row of rows) names.set(`${schema}.${row.table}`, row.collection);
    }
    return names;
  }

  const grown = (before: Scans, after: Scans) =>
    Object.fromEntries([...after].flatMap(([name, scans]) => (scans > (before.get(name) ?? 0) ? [[name, scans - (before.get(name) ?? 0)]] : [])));

  it('has PostgreSQL plan sequential scans only where no index serves', async () => {
    expect((await sql.query('SHOW enable_seqscan')).rows[0]).toEqual({ enable_seqscan: 'off' });
  });

  /** A patient's, a provider's and an admin's doings through the gateway, with new providers and patients each time. */
  async function runFlows(): Promise<void> {
    const gateway = platform.url('gateway');
    const admin = await devToken('admin', `admin-${randomUUID()}`);

    const requestProvider = `provider-${randomUUID()}`;
    const instantProvider = `provider-${randomUUID()}`;
    for (const [id, settings] of [
      [requestProvider, { minimumNoticeHours: 1, bufferMinutes: 15 }],
      [instantProvider, { minimumNoticeHours: 1, mode: 'instant', modeOverride: true }],
    ] as const) {
      const created = await gatewayCall(gateway, admin, 'PUT', `/api/providers/${id}`, {
        timezone: 'America/Denver',
        services: [{ id: 'svc-consult', name: 'Consultation', category: 'general', durationMinutes: 30, priceCents: 10_000 }],
        weeklyHours: ROUND_THE_CLOCK,
        overrides: [],
        settings,
      });
      expect(created.status).toBe(201);
    }
    const providerToken = await devToken('provider', requestProvider);
    const as = async (token: string, method: string, path: string, body?: unknown) => {
      const answer = await gatewayCall(gateway, token, method, path, body);
      expect({ path, status: answer.status, error: answer.body?.error }).toEqual({ path, status: expect.any(Number), error: undefined });
      return answer.body.data;
    };
    const statusOf = (token: string, id: string, status: string) =>
      waitFor(
        async () => (await gatewayCall(gateway, token, 'GET', `/api/bookings/${id}`)).body?.data?.status === status,
        30_000,
        () => `${id} ${status}`,
      );

    /** A new patient reserves `hoursAhead` and books it; the booking once it reached `status`. */
    const book = async (providerId: string, hoursAhead: number, status: string) => {
      const patient = await devToken('patient', `patient-${randomUUID()}`);
      const from = slotStart(hoursAhead).toISOString().slice(0, 10);
      await as(patient, 'GET', `/api/providers/${providerId}/availability?serviceId=svc-consult&from=${from}&to=${from}`);
      const reservation = await as(patient, 'POST', '/api/bookings/reserve-slot', {
        providerId,
        serviceId: 'svc-consult',
        startTime: slotStart(hoursAhead).toISOString(),
      });
      const booking = await as(patient, 'POST', '/api/bookings', { reservationId: reservation.id, patientTimezone: 'UTC' });
      await statusOf(patient, booking.id, status);
      return { id: booking.id as string, patient };
    };

    // A contact set (or set again): its verification record is read and written by id.
    await as(providerToken, 'PUT', '/api/notifications/preferences', { phone: '+17205550142', channels: { sms: true } });
    const [confirmed, declined, cancelled, moved] = await Promise.all([
      book(requestProvider, 30, 'pending_confirmation'),
      book(requestProvider, 32, 'pending_confirmation'),
      book(requestProvider, 34, 'pending_confirmation'),
      book(requestProvider, 36, 'pending_confirmation'),
      book(instantProvider, 30, 'confirmed'),
    ]);
    await as(providerToken, 'POST', `/api/bookings/${confirmed!.id}/confirm`, {});
    await as(providerToken, 'POST', `/api/bookings/${declined!.id}/decline`, { reason: 'Away that day' });
    await as(cancelled!.patient, 'POST', `/api/bookings/${cancelled!.id}/cancel`, { reason: 'Feeling better' });
    await as(providerToken, 'POST', `/api/bookings/${moved!.id}/reschedule`, { startTime: slotStart(38).toISOString(), message: 'Later?' });
    await as(moved!.patient, 'POST', `/api/bookings/${moved!.id}/accept-reschedule`, {});
    await statusOf(confirmed!.patient, confirmed!.id, 'confirmed');
    await statusOf(moved!.patient, moved!.id, 'confirmed');
    // A reservation left to lapse (booking-svc's hold cleanup gives it back).
    const idle = await devToken('patient', `patient-${randomUUID()}`);
    await as(idle, 'POST', '/api/bookings/reserve-slot', { providerId: requestProvider, serviceId: 'svc-consult', startTime: slotStart(40).toISOString() });

    // What a patient's, a provider's and an admin's pages read.
    await as(confirmed!.patient, 'GET', '/api/bookings/patient');
    await as(providerToken, 'GET', '/api/bookings/provider');
    await as(providerToken, 'GET', '/api/bookings/provider/pending');
    await as(providerToken, 'GET', `/api/providers/${requestProvider}`);
    await as(confirmed!.patient, 'GET', `/api/providers/${requestProvider}/profile`);
    await as(confirmed!.patient, 'GET', '/api/notifications/preferences');
    await as(admin, 'GET', `/api/admin/bookings?providerId=${requestProvider}`);
    // Every booking, newest first: a created day at a time (booking-created-days.ts), here and on the next page.
    const everyBooking = await as(admin, 'GET', '/api/admin/bookings?limit=2&type=request');
    expect(everyBooking.items).toHaveLength(2);
    await as(admin, 'GET', `/api/admin/bookings?limit=2&type=request&cursor=${everyBooking.nextCursor}`);
    await as(admin, 'GET', `/api/admin/bookings?patientId=${encodeURIComponent(`x-${randomUUID()}`)}`);
    await as(admin, 'GET', `/api/admin/bookings/${confirmed!.id}`);
    await as(admin, 'GET', '/api/admin/bookings/health');
    await as(admin, 'GET', '/api/admin/feature-flags');
  }

  it('serves the booking flows, the lists and every poller without reading a collection whole', async () => {
    // The first round creates every collection and index the flows use (building an index reads its
    // table once, which PostgreSQL counts as a sequential scan); the second round is measured.
    await runFlows();
    await new Promise((resolve) => setTimeout(resolve, STATS_FLUSH_MS));
    const before = await sequentialScans();
    await runFlows();
    await new Promise((resolve) => setTimeout(resolve, STATS_FLUSH_MS)); // the pollers ran meanwhile, several times each
    expect(grown(before, await sequentialScans())).toEqual({});
  }, 240_000);
});
