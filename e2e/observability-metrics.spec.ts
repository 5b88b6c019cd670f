import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { StripeFake, waitFor } from '@bp/testing';
import { dashboardsDir, filesIn, metricNamesIn, recordedNames, ruleGroups } from '../deploy/support/observability-files.js';
import { type TestActor, createProvider, internalCall, slotStart } from './support/internal-api.js';
import { type Scrape, scrape } from './support/scrape.js';
import { SERVICE_NAMES, type TestPlatform, startPlatform } from './support/test-platform.js';

interface Panel {
  title: string;
  type: string;
  targets?: Array<{ expr: string }>;
  panels?: Panel[];
}

/** Names Prometheus itself produces: per-target `up` and the alert state series. */
const PROMETHEUS_OWN = ['up', 'ALERTS', 'ALERTS_FOR_STATE'];

/**
 * Every metric the dashboards and alert rules read is one the six services really export: the whole
 * platform runs (with a stateful Stripe fake), one request booking goes from reservation to confirmed
 * through booking-svc and payment-svc, and every service's /metrics is scraped.
 */
describe('metrics the dashboards and alerts rely on', () => {
  const stripe = new StripeFake();
  let platform: TestPlatform;
  const scrapes = new Map<string, Scrape>();
  let exported: Set<string>;

  beforeAll(async () => {
    const stripeBase = new URL(await stripe.start());
    platform = await startPlatform(SERVICE_NAMES, { portOffset: 320, env: { 'payment-svc': { STRIPE_API_BASE: stripeBase.origin } } });
    const booking = platform.url('booking-svc');
    const provider = await createProvider(booking);
    const patient: TestActor = { type: 'patient', id: `patient-${randomUUID()}` };
    const reservation = await internalCall(booking, 'POST', '/internal/reservations', patient, {
      providerId: provider.id,
      serviceId: 'svc-consult',
      startTime: slotStart(30).toISOString(),
    });
    expect(reservation.status).toBe(201);
    const created = await internalCall(booking, 'POST', '/internal/bookings', patient, {
      reservationId: reservation.body.data.id,
      patientTimezone: 'Europe/Berlin',
    });
    expect(created.status).toBe(201);
    const id: string = created.body.data.id;
    const statusOf = async () => (await internalCall(booking, 'GET', `/internal/bookings/${id}`, patient)).body.data?.status;
    await waitFor(
      async () => (await statusOf()) === 'pending_confirmation',
      30_000,
      () => `booking ${id} to wait for the provider`,
    );
    expect((await internalCall(booking, 'POST', `/internal/bookings/${id}/confirm`, provider.actor)).status).toBe(200);
    await waitFor(
      async () => (await statusOf()) === 'confirmed',
      30_000,
      () => `booking ${id} to be confirmed`,
    );
    await fetch(`${platform.url('gateway')}/api/does-not-exist`);
    // The timer poller's last success is a time, so it exists only once a poll has succeeded (a 0 would read as stale).
    await waitFor(
      async () => (await scrape(platform.url('scheduler-svc'))).names.has('scheduler_job_last_success_timestamp_seconds'),
      30_000,
      () => 'scheduler-svc’s first successful timer poll',
    );
    for (const name of SERVICE_NAMES) scrapes.set(name, await scrape(platform.url(name)));
    exported = new Set([...scrapes.values()].flatMap((s) => [...s.names]));
  }, 240_000);

  afterAll(async () => {
    await platform?.stop();
    await stripe.stop();
  }, 60_000);

  const known = () => new Set([...exported, ...recordedNames(), ...PROMETHEUS_OWN]);

  it('counts the booking as the Key Metrics table asks, with bounded labels', () => {
    const booking = scrapes.get('booking-svc')!;
    expect(booking.value('booking_slot_reserved_total')).toBe(1);
    expect(booking.value('booking_slot_converted_total')).toBe(1);
    expect(booking.value('booking_request_created_total', { booking_type: 'request' })).toBe(1);
    expect(booking.value('booking_request_created_total', { booking_type: 'instant' })).toBe(0);
    expect(booking.value('booking_request_confirmed_total', { booking_type: 'request' })).toBe(1);
    expect(booking.value('booking_request_expired_total')).toBe(0);
    expect(booking.value('booking_request_response_time_seconds_count', { response: 'confirmed' })).toBe(1);
    expect(booking.value('booking_request_response_time_seconds_bucket', { response: 'confirmed', le: '60' })).toBe(1);
    const payment = scrapes.get('payment-svc')!;
    expect(payment.value('booking_payment_hold_created_total')).toBe(1);
    expect(payment.value('booking_payment_hold_captured_total')).toBe(1);
  });

  it('declares the metrics that only move on an event at startup, in every service that owns them', () => {
    const expected: Record<string, string[]> = {
      'booking-svc': [
        'booking_requests_pending',
        'booking_requests_expiring_soon',
        'outbox_publish_failures_total',
        'kafka_messages_dead_lettered_total',
        'http_server_requests_shed_total',
        'http_server_requests_in_flight',
        'http_server_requests_queued',
      ],
      'payment-svc': [
        'booking_payment_holds_active_amount_cents',
        'booking_payment_holds_expiring_soon',
        'booking_payment_holds_by_age',
        'booking_payment_holds_reconciled_total',
      ],
      'notification-svc': ['notification_sent_total', 'notification_failed_total', 'kafka_consumer_group_lag'],
      'scheduler-svc': [
        'scheduler_job_failures_total',
        'scheduler_job_runs_total',
        'scheduler_job_last_success_timestamp_seconds',
        'scheduler_job_duration_seconds_bucket',
      ],
      gateway: ['http_server_request_duration_seconds_bucket', 'http_server_requests_shed_total', 'gateway_rate_limit_fallback_total'],
    };
    for (const [service, names] of Object.entries(expected)) {
      const missing = names.filter((name) => !scrapes.get(service)!.names.has(name));
      expect({ service, missing }).toEqual({ service, missing: [] });
    }
  });

  it('measures consumer lag per group and topic', async () => {
    const group = platform.group('notification-svc');
    await waitFor(
      async () => (await scrape(platform.url('notification-svc'))).value('kafka_consumer_group_lag', { group, topic: 'booking.events.v1' }) !== undefined,
      30_000,
      () => `kafka_consumer_group_lag for ${group}`,
    );
  });

  it('has every dashboard panel query read only exported metrics', () => {
    const panels = (file: string) => {
      const flat = (list: Panel[]): Panel[] => list.flatMap((p) => [p, ...flat(p.panels ?? [])]);
      return flat((JSON.parse(readFileSync(file, 'utf8')) as { panels: Panel[] }).panels);
    };
    const files = filesIn(dashboardsDir, '.json');
    expect(files.length).toBeGreaterThanOrEqual(4);
    const unknown: string[] = [];
    let queries = 0;
    for (const file of files) {
      for (const panel of panels(file)) {
        for (const target of panel.targets ?? []) {
          queries++;
          for (const name of metricNamesIn(target.expr)) if (!known().has(name)) unknown.push(`${file.split('/').pop()} "${panel.title}": ${name}`);
        }
      }
    }
    expect(queries).toBeGreaterThan(40);
    expect(unknown).toEqual([]);
  });

  it('has every alert and recording rule read only exported metrics', () => {
    const unknown = ruleGroups().flatMap((g) =>
      g.rules.flatMap((r) => metricNamesIn(r.expr).flatMap((name) => (known().has(name) ? [] : [`${r.alert ?? r.record}: ${name}`]))),
    );
    expect(unknown).toEqual([]);
  });
});
