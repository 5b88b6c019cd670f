import { metricsRegistry } from '@bp/platform';
import type { Booking } from '../domain/booking.js';
import * as t from '../domain/booking-transitions.js';
import { TEST_RULES, actors, createdChange, testReservation } from '../domain/booking.fixtures.js';
import { bookingMetrics, countBookingChange, countBookingCreated, declareBookingMetrics } from './booking-metrics.js';

const t0 = new Date('2030-03-01T10:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const system = { type: 'system' as const, id: 'booking-svc' };
const { provider } = actors;
const rules = TEST_RULES;

function created(): Booking {
  return createdChange({ reservation: testReservation({ createdAt: t0 }), now: at(1) }).booking;
}

/** Applies a transition and counts it, as BookingCommands.run does after the write. */
function apply(change: t.BookingChange): Booking {
  countBookingChange(change.previous, change.booking);
  return change.booking;
}

/** The sum of a sample's values over the series matching the labels (a histogram's by its _bucket/_sum/_count name). */
async function value(sample: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = metricsRegistry.getSingleMetric(sample) ?? metricsRegistry.getSingleMetric(sample.replace(/_(bucket|sum|count)$/, ''));
  return (await metric!.get()).values
    .filter((v) => ((v as { metricName?: string }).metricName ?? sample) === sample && Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l))
    .reduce((sum, v) => sum + v.value, 0);
}

describe('booking metrics', () => {
  beforeEach(() => {
    for (const get of Object.values(bookingMetrics)) get().reset();
    declareBookingMetrics();
  });

  it('declares zero series for every booking type, expiry origin and answer', async () => {
    const created = (await bookingMetrics.requestCreated().get()).values.map((v) => [v.labels['booking_type'], v.value]);
    expect(created).toEqual([
      ['instant', 0],
      ['request', 0],
    ]);
    const expired = (await bookingMetrics.requestExpired().get()).values.map((v) => v.labels['from']);
    expect(expired).toEqual(['pending_confirmation', 'reschedule_proposed']);
    const answers = (await bookingMetrics.responseTime().get()).values
      .filter((v) => (v as { metricName?: string }).metricName?.endsWith('_count'))
      .map((v) => v.labels['response']);
    expect(answers).toEqual(['confirmed', 'declined', 'rescheduled']);
  });

  it('times the provider answer from the request reaching them, and counts confirmation once the capture lands', async () => {
    const booking = created();
    countBookingCreated(booking);
    const waiting = apply(t.recordHoldPlaced(booking, 'pi_1', rules, { actor: system, now: at(2) }));
    const answered = apply(t.confirm(waiting, { actor: provider, now: at(2 + 90) }));
    expect(await value('booking_request_confirmed_total')).toBe(0);
    apply(t.recordCaptured(answered, 10_000, { actor: system, now: at(93) }));

    expect(await value('booking_request_created_total', { booking_type: 'request' })).toBe(1);
    expect(await value('booking_slot_converted_total')).toBe(1);
    expect(await value('booking_request_confirmed_total', { booking_type: 'request' })).toBe(1);
    expect(await value('booking_request_response_time_seconds_sum', { response: 'confirmed' })).toBe(90 * 60);
    expect(await value('booking_request_response_time_seconds_count', { response: 'confirmed' })).toBe(1);
    expect(await value('booking_request_response_time_seconds_bucket', { response: 'confirmed', le: '3600' })).toBe(0);
    expect(await value('booking_request_response_time_seconds_bucket', { response: 'confirmed', le: '7200' })).toBe(1);
  });

  it('counts an unanswered request that expires by where it expired from, with no response time', async () => {
    const waiting = apply(t.recordHoldPlaced(created(), 'pi_1', rules, { actor: system, now: at(2) }));
    apply(t.expire(waiting, 'confirmation', { actor: system, now: at(2 + 24 * 60) }));

    expect(await value('booking_request_expired_total', { from: 'pending_confirmation' })).toBe(1);
    expect(await value('booking_request_expired_total', { from: 'reschedule_proposed' })).toBe(0);
    expect(await value('booking_request_response_time_seconds_count')).toBe(0);
  });

  it('times a decline as a declined answer', async () => {
    const waiting = apply(t.recordHoldPlaced(created(), 'pi_1', rules, { actor: system, now: at(2) }));
    apply(t.decline(waiting, 'fully booked', { actor: provider, now: at(2 + 5) }));

    expect(await value('booking_request_response_time_seconds_sum', { response: 'declined' })).toBe(300);
    expect(await value('booking_request_confirmed_total')).toBe(0);
    expect(await value('booking_request_expired_total')).toBe(0);
  });
});
