import fc from 'fast-check';
import { type BookingStats, EMPTY_BOOKING_STATS } from './booking-stats.js';
import {
  type BookingEventFacts,
  type BookingOutcome,
  RECENT_RESPONSE_WINDOW,
  TRUST_WEIGHTS,
  applyBookingOutcome,
  bookingOutcomes,
  needsResponseTime,
  responseMinutes,
  trustScore,
} from './provider-stats.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const minutesAfter = (base: Date, minutes: number) => new Date(base.getTime() + minutes * 60_000);
const daysBefore = (base: Date, days: number) => new Date(base.getTime() - days * 86_400_000);

/** Folds outcomes in order, one minute apart. */
function fold(outcomes: BookingOutcome[], from: BookingStats = EMPTY_BOOKING_STATS): BookingStats {
  return outcomes.reduce((stats, outcome, i) => applyBookingOutcome(stats, outcome, minutesAfter(NOW, i)), from);
}

const event = (reason: string, more: Partial<BookingEventFacts> = {}): BookingEventFacts => ({
  reason,
  bookingType: 'request',
  status: 'pending_confirmation',
  priceCents: 12_000,
  ...more,
});

describe('bookingOutcomes: what a BookingStatusChanged event means for the provider', () => {
  const times = { requestedAt: NOW, respondedAt: minutesAfter(NOW, 90) };

  it.each<[string, BookingEventFacts, BookingOutcome[]]>([
    ['a request reaching the provider (hold placed)', event('payment_held', { previousStatus: 'pending_payment' }), [{ kind: 'requested' }]],
    [
      'an instant booking’s hold (its capture is when it reaches the provider)',
      event('payment_held', { bookingType: 'instant', previousStatus: 'pending_payment', status: 'pending_payment' }),
      [],
    ],
    [
      'the provider confirming',
      event('confirmed', { previousStatus: 'pending_confirmation' }),
      [{ kind: 'responded', responseMinutes: 90 }, { kind: 'confirmed' }],
    ],
    [
      'the provider declining',
      event('declined', { previousStatus: 'pending_confirmation', status: 'cancelled_provider' }),
      [{ kind: 'responded', responseMinutes: 90 }],
    ],
    [
      'the provider proposing another time',
      event('reschedule_proposed', { previousStatus: 'pending_confirmation', status: 'reschedule_proposed' }),
      [{ kind: 'responded', responseMinutes: 90 }],
    ],
    [
      'the patient taking the proposed time',
      event('reschedule_accepted', { previousStatus: 'reschedule_proposed', status: 'reschedule_proposed' }),
      [{ kind: 'confirmed' }],
    ],
    [
      'the patient refusing the proposed time',
      event('reschedule_declined', { previousStatus: 'reschedule_proposed', status: 'cancelled_patient' }),
      [{ kind: 'cancelled', byProvider: false, afterConfirmation: false }],
    ],
    [
      'an instant booking captured',
      event('payment_captured', { bookingType: 'instant', previousStatus: 'pending_payment', status: 'confirmed' }),
      [{ kind: 'requested' }, { kind: 'confirmed', instant: true }],
    ],
    [
      'a confirmed request captured (counted at the answer already)',
      event('payment_captured', { previousStatus: 'pending_confirmation', status: 'confirmed' }),
      [],
    ],
    [
      'an accepted reschedule captured (counted at the acceptance already)',
      event('payment_captured', { previousStatus: 'reschedule_proposed', status: 'confirmed' }),
      [],
    ],
    ['an unanswered request expiring', event('expired', { previousStatus: 'pending_confirmation', status: 'expired' }), [{ kind: 'expired' }]],
    ['a proposed time lapsing unanswered by the patient', event('expired', { previousStatus: 'reschedule_proposed', status: 'expired' }), []],
    ['the patient cancelling before the hold was placed', event('cancelled', { previousStatus: 'payment_failed', status: 'cancelled_patient' }), []],
    [
      'the patient cancelling a request',
      event('cancelled', { previousStatus: 'pending_confirmation', status: 'cancelled_patient' }),
      [{ kind: 'cancelled', byProvider: false, afterConfirmation: false }],
    ],
    [
      'the patient cancelling a confirmed booking',
      event('cancelled', { previousStatus: 'confirmed', status: 'cancelled_patient' }),
      [{ kind: 'cancelled', byProvider: false, afterConfirmation: true }],
    ],
    [
      'the provider cancelling a confirmed booking',
      event('cancelled', { previousStatus: 'confirmed', status: 'cancelled_provider' }),
      [{ kind: 'cancelled', byProvider: true, afterConfirmation: true }],
    ],
    ['the visit completed', event('completed', { previousStatus: 'in_progress', status: 'completed' }), [{ kind: 'completed', revenueCents: 12_000 }]],
    ['a no-show', event('no_show', { previousStatus: 'confirmed', status: 'no_show' }), [{ kind: 'no_show' }]],
    ['the booking created (counted once the hold is placed)', event('created', { previousStatus: 'slot_reserved', status: 'pending_payment' }), []],
    ['a check-in', event('status_changed', { previousStatus: 'confirmed', status: 'checked_in' }), []],
    ['a failed payment', event('payment_failed', { previousStatus: 'pending_payment', status: 'payment_failed' }), []],
    ['an admin override', event('admin_override', { previousStatus: 'confirmed', status: 'completed' }), []],
  ])('%s', (_case, facts, expected) => {
    expect(bookingOutcomes(facts, times)).toEqual(expected);
  });

  it('needs the booking’s confirmation times only for the provider’s answers', () => {
    expect(['confirmed', 'declined', 'reschedule_proposed'].every((reason) => needsResponseTime({ reason }))).toBe(true);
    expect(['payment_held', 'completed', 'cancelled', 'expired'].some((reason) => needsResponseTime({ reason }))).toBe(false);
  });

  it('counts an answer without its times (booking not found) but measures nothing', () => {
    expect(bookingOutcomes(event('declined'), undefined)).toEqual([{ kind: 'responded' }]);
    expect(responseMinutes({ requestedAt: NOW })).toBeUndefined();
    expect(responseMinutes({ requestedAt: NOW, respondedAt: minutesAfter(NOW, -5) })).toBe(0);
  });
});

describe('applyBookingOutcome', () => {
  it('counts a confirmed and a declined request: 50 % confirmed, response times averaged', () => {
    const stats = fold([
      { kind: 'requested' },
      { kind: 'requested' },
      { kind: 'responded', responseMinutes: 30 },
      { kind: 'confirmed' },
      { kind: 'responded', responseMinutes: 90 },
    ]);
    expect(stats).toMatchObject({
      totalRequests: 2,
      totalResponded: 2,
      totalConfirmed: 1,
      confirmationRate: 50,
      avgResponseTimeMinutes: 60,
      medianResponseTimeMinutes: 60,
      responseTimeSamples: 2,
      recentResponseMinutes: [30, 90],
      lastBookingAt: minutesAfter(NOW, 1),
      lastCalculatedAt: minutesAfter(NOW, 4),
    });
    expect(stats.completionRate).toBeUndefined();
  });

  it('counts expired requests as not confirmed, keeps instant bookings out of the request-flow rate', () => {
    const stats = fold([
      { kind: 'requested' },
      { kind: 'responded', responseMinutes: 10 },
      { kind: 'confirmed' },
      { kind: 'requested' },
      { kind: 'expired' },
      { kind: 'requested' },
      { kind: 'confirmed', instant: true },
    ]);
    expect(stats).toMatchObject({ totalRequests: 3, totalConfirmed: 2, totalInstant: 1, totalExpired: 1, confirmationRate: 50 });
  });

  it('rates completion among confirmed bookings that ended, leaving patient cancellations out', () => {
    const stats = fold([
      { kind: 'completed', revenueCents: 10_000 },
      { kind: 'completed', revenueCents: 5_000 },
      { kind: 'completed', revenueCents: 6_001 },
      { kind: 'no_show' },
      { kind: 'cancelled', byProvider: true, afterConfirmation: true },
      { kind: 'cancelled', byProvider: false, afterConfirmation: true },
      { kind: 'cancelled', byProvider: true, afterConfirmation: false },
    ]);
    expect(stats).toMatchObject({
      totalCompleted: 3,
      totalNoShow: 1,
      totalCancelled: 3,
      totalProviderCancelledAfterConfirm: 1,
      completionRate: 60,
      totalRevenue: 21_001,
      avgBookingValue: 7000,
      lastCompletedAt: minutesAfter(NOW, 2),
    });
  });

  it('keeps the all-time mean but the median of the last 100 answers only', () => {
    const answers = [...Array.from({ length: 50 }, () => 1000), ...Array.from({ length: 100 }, () => 10)];
    const stats = fold(answers.map((responseMinutes) => ({ kind: 'responded', responseMinutes })));
    expect(stats.recentResponseMinutes).toHaveLength(RECENT_RESPONSE_WINDOW);
    expect(stats.medianResponseTimeMinutes).toBe(10);
    expect(stats.avgResponseTimeMinutes).toBeCloseTo((50 * 1000 + 100 * 10) / 150, 9);
    expect(stats.responseTimeSamples).toBe(150);
  });

  it('takes the median of an odd window as its middle value and leaves the input untouched', () => {
    const before = fold([
      { kind: 'responded', responseMinutes: 5 },
      { kind: 'responded', responseMinutes: 1 },
    ]);
    const after = applyBookingOutcome(before, { kind: 'responded', responseMinutes: 300 }, NOW);
    expect(after.medianResponseTimeMinutes).toBe(5);
    expect(before.recentResponseMinutes).toEqual([5, 1]);
    expect(EMPTY_BOOKING_STATS.recentResponseMinutes).toEqual([]);
  });

  it('starts a running mean afresh on stats written before samples were counted', () => {
    const legacy: BookingStats = { ...EMPTY_BOOKING_STATS, avgResponseTimeMinutes: 500 };
    expect(applyBookingOutcome(legacy, { kind: 'responded', responseMinutes: 20 }, NOW).avgResponseTimeMinutes).toBe(20);
  });
});

describe('trustScore', () => {
  it('gives a provider with no record and no known account age the spec’s default 100', () => {
    const trust = trustScore(EMPTY_BOOKING_STATS, undefined, undefined, NOW);
    expect(trust.score).toBe(100);
    expect(trust.factors).toEqual({
      responseRate: { weight: 30, value: 100 },
      completionRate: { weight: 25, value: 100 },
      noShowRate: { weight: 20, value: 100 },
      reviewScore: { weight: 15, value: 100 },
      accountAge: { weight: 10, value: 100 },
    });
    expect(trust.lastCalculatedAt).toEqual(NOW);
  });

  it('lets account age count fully after a year, in proportion before', () => {
    expect(trustScore(EMPTY_BOOKING_STATS, NOW, undefined, NOW)).toMatchObject({ score: 90, factors: { accountAge: { value: 0 } } });
    expect(trustScore(EMPTY_BOOKING_STATS, daysBefore(NOW, 73), undefined, NOW)).toMatchObject({ score: 92, factors: { accountAge: { value: 20 } } });
    expect(trustScore(EMPTY_BOOKING_STATS, daysBefore(NOW, 800), undefined, NOW).score).toBe(100);
  });

  it('weighs responsiveness, completion, no-shows and reviews with the spec’s weights', () => {
    const stats = fold([
      ...Array.from({ length: 3 }, (): BookingOutcome => ({ kind: 'responded', responseMinutes: 60 })),
      { kind: 'expired' }, // answered 3 of 4: responseRate 75
      { kind: 'completed', revenueCents: 100 },
      { kind: 'no_show' }, // completion 50, no-shows 50 % → 50
    ]);
    const trust = trustScore(stats, daysBefore(NOW, 400), 4, NOW);
    expect(trust.factors).toMatchObject({
      responseRate: { value: 75 },
      completionRate: { value: 50 },
      noShowRate: { value: 50 },
      reviewScore: { value: 80 },
      accountAge: { value: 100 },
    });
    // 30·0.75 + 25·0.5 + 20·0.5 + 15·0.8 + 10·1 = 22.5 + 12.5 + 10 + 12 + 10
    expect(trust.score).toBe(67);
    expect(Object.values(TRUST_WEIGHTS).reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('does not hold declines against responsiveness: an answer is an answer', () => {
    const stats = fold([
      { kind: 'responded', responseMinutes: 5 },
      { kind: 'responded', responseMinutes: 5 },
    ]);
    expect(stats.confirmationRate).toBe(0);
    expect(trustScore(stats, undefined, undefined, NOW).factors.responseRate.value).toBe(100);
  });
});

describe('properties over any sequence of outcomes', () => {
  const outcome: fc.Arbitrary<BookingOutcome> = fc.oneof(
    fc.constant<BookingOutcome>({ kind: 'requested' }),
    fc
      .option(fc.double({ min: -10, max: 100_000, noNaN: true }), { nil: undefined })
      .map((minutes): BookingOutcome => (minutes === undefined ? { kind: 'responded' } : { kind: 'responded', responseMinutes: minutes })),
    fc.boolean().map((instant): BookingOutcome => ({ kind: 'confirmed', instant })),
    fc.integer({ min: 0, max: 10_000_000 }).map((revenueCents): BookingOutcome => ({ kind: 'completed', revenueCents })),
    fc.record({ byProvider: fc.boolean(), afterConfirmation: fc.boolean() }).map((c): BookingOutcome => ({ kind: 'cancelled', ...c })),
    fc.constant<BookingOutcome>({ kind: 'expired' }),
    fc.constant<BookingOutcome>({ kind: 'no_show' }),
  );
  const TOTALS = [
    'totalRequests',
    'totalConfirmed',
    'totalCompleted',
    'totalCancelled',
    'totalExpired',
    'totalNoShow',
    'totalRevenue',
    'totalResponded',
    'totalInstant',
    'totalProviderCancelledAfterConfirm',
    'responseTimeSamples',
  ] as const;
  const within = (value: number | undefined) => value === undefined || (value >= 0 && value <= 100);

  it('never lowers a total, keeps rates and the trust score within 0–100 and the window bounded', () => {
    fc.assert(
      fc.property(
        fc.array(outcome, { maxLength: 150 }),
        fc.option(fc.date({ min: new Date('2015-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }), { nil: undefined }),
        fc.option(fc.double({ min: -3, max: 8, noNaN: true }), { nil: undefined }),
        (outcomes, createdAt, review) => {
          let stats = EMPTY_BOOKING_STATS;
          for (const [i, next] of outcomes.entries()) {
            const after = applyBookingOutcome(stats, next, minutesAfter(NOW, i));
            for (const total of TOTALS) expect(after[total]).toBeGreaterThanOrEqual(stats[total]);
            expect(within(after.confirmationRate) && within(after.completionRate)).toBe(true);
            expect(after.recentResponseMinutes.length).toBeLessThanOrEqual(RECENT_RESPONSE_WINDOW);
            const trust = trustScore(after, createdAt, review, NOW);
            expect(trust.score).toBeGreaterThanOrEqual(0);
            expect(trust.score).toBeLessThanOrEqual(100);
            for (const { value } of Object.values(trust.factors)) expect(within(value)).toBe(true);
            stats = after;
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps the mean and the median response time between the fastest and the slowest answer', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 10_000, noNaN: true }), { minLength: 1, maxLength: 120 }), (minutes) => {
        const stats = fold(minutes.map((responseMinutes) => ({ kind: 'responded', responseMinutes })));
        const recent = minutes.slice(-RECENT_RESPONSE_WINDOW);
        expect(stats.avgResponseTimeMinutes).toBeGreaterThanOrEqual(Math.min(...minutes) - 1e-6);
        expect(stats.avgResponseTimeMinutes).toBeLessThanOrEqual(Math.max(...minutes) + 1e-6);
        expect(stats.medianResponseTimeMinutes).toBeGreaterThanOrEqual(Math.min(...recent));
        expect(stats.medianResponseTimeMinutes).toBeLessThanOrEqual(Math.max(...recent));
        expect(stats.recentResponseMinutes).toEqual(recent);
      }),
    );
  });
});
