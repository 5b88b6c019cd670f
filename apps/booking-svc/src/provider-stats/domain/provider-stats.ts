import type { BookingStats } from './booking-stats.js';

/**
 * A provider's booking statistics and trust score, kept up to date one booking event at a time
 * (docs/booking-core.md, "Provider statistics and trust score"). Everything here is pure: the
 * consumer turns an event into outcomes, folds them into the stats and recomputes the score.
 */

/** How many recent response times the median looks at. */
export const RECENT_RESPONSE_WINDOW = 100;

/** What one booking event means for its provider's figures. */
export type BookingOutcome =
  /** A booking reached the provider: a request's card hold is in place, or an instant booking is paid. */
  | { kind: 'requested' }
  /** The provider answered a request (confirm, decline or another time), after `responseMinutes`. */
  | { kind: 'responded'; responseMinutes?: number }
  /** A booking was confirmed: by the provider, by the patient taking a proposed time, or instantly. */
  | { kind: 'confirmed'; instant?: boolean }
  | { kind: 'completed'; revenueCents: number }
  /** A cancellation by either party; `afterConfirmation` when the booking had been confirmed. */
  | { kind: 'cancelled'; byProvider: boolean; afterConfirmation: boolean }
  /** A request ran out its deadline unanswered. */
  | { kind: 'expired' }
  | { kind: 'no_show' };

export type BookingOutcomeKind = BookingOutcome['kind'];

/** The facts of a BookingStatusChanged event this module needs (domain code does not import contracts). */
export interface BookingEventFacts {
  /** The audit entry's type: created, payment_held, confirmed, declined, … */
  reason: string;
  bookingType: 'instant' | 'request';
  previousStatus?: string;
  status: string;
  priceCents: number;
}

/** When the request reached the provider and when they answered (the booking's `confirmation`). */
export interface ConfirmationTimes {
  requestedAt?: Date;
  respondedAt?: Date;
}

/** The provider's answers to a request: the events whose response time is measured. */
const ANSWERS: ReadonlySet<string> = new Set(['confirmed', 'declined', 'reschedule_proposed']);
const CONFIRMED_STATES: ReadonlySet<string> = new Set(['confirmed', 'checked_in', 'in_progress']);
const BEFORE_PROVIDER: ReadonlySet<string> = new Set(['slot_reserved', 'pending_payment', 'payment_failed']);

/** True when the outcomes of this event need the booking's confirmation times. */
export function needsResponseTime(event: Pick<BookingEventFacts, 'reason'>): boolean {
  return ANSWERS.has(event.reason);
}

/** Minutes from the request reaching the provider to their answer; undefined without both times. */
export function responseMinutes(times: ConfirmationTimes | undefined): number | undefined {
  const requested = times?.requestedAt?.getTime();
  const responded = times?.respondedAt?.getTime();
  if (requested === undefined || responded === undefined || !Number.isFinite(requested) || !Number.isFinite(responded)) return undefined;
  return Math.max(0, (responded - requested) / 60_000);
}

/**
 * The outcomes of one booking event. Events that say nothing about the provider (payment retries,
 * check-in, a patient letting a proposed time lapse, admin overrides) have none.
 */
export function bookingOutcomes(event: BookingEventFacts, times?: ConfirmationTimes): BookingOutcome[] {
  const answered = (): BookingOutcome => {
    const minutes = responseMinutes(times);
    return minutes === undefined ? { kind: 'responded' } : { kind: 'responded', responseMinutes: minutes };
  };
  switch (event.reason) {
    case 'payment_held':
      // An instant booking reaches its provider when it is paid (below): its hold is usually captured
      // as it is placed, with no payment_held of its own.
      return event.bookingType === 'instant' ? [] : [{ kind: 'requested' }];
    case 'confirmed':
      return [answered(), { kind: 'confirmed' }];
    case 'declined':
    case 'reschedule_proposed':
      return [answered()];
    case 'reschedule_accepted':
      return [{ kind: 'confirmed' }];
    case 'payment_captured':
      // Only an instant booking is confirmed by its capture; a request was counted at the provider's answer.
      return event.bookingType === 'instant' && event.previousStatus === 'pending_payment' && event.status === 'confirmed'
        ? [{ kind: 'requested' }, { kind: 'confirmed', instant: true }]
        : [];
    case 'expired':
      // A reschedule proposal the patient let lapse is not the provider's doing.
      return event.previousStatus === 'pending_confirmation' ? [{ kind: 'expired' }] : [];
    case 'cancelled':
      // A booking cancelled before its hold was in place never reached the provider.
      if (BEFORE_PROVIDER.has(event.previousStatus ?? '')) return [];
      return [{ kind: 'cancelled', byProvider: event.status === 'cancelled_provider', afterConfirmation: CONFIRMED_STATES.has(event.previousStatus ?? '') }];
    case 'reschedule_declined':
      return [{ kind: 'cancelled', byProvider: false, afterConfirmation: false }];
    case 'completed':
      return [{ kind: 'completed', revenueCents: event.priceCents }];
    case 'no_show':
      return [{ kind: 'no_show' }];
    default:
      return [];
  }
}

const round1 = (value: number) => Math.round(value * 10) / 10;
const clampPercent = (value: number) => Math.min(100, Math.max(0, value));
const percent = (part: number, whole: number) => round1(clampPercent((100 * part) / whole));

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The figures derived from the counters; a figure without a denominator is left out. */
function withDerived(stats: BookingStats): BookingStats {
  const { confirmationRate: _c, completionRate: _r, avgBookingValue: _v, medianResponseTimeMinutes: _m, ...counters } = stats;
  const answered = stats.totalResponded + stats.totalExpired;
  const finished = stats.totalCompleted + stats.totalNoShow + stats.totalProviderCancelledAfterConfirm;
  const middle = median(stats.recentResponseMinutes);
  return {
    ...counters,
    ...(answered > 0 ? { confirmationRate: percent(stats.totalConfirmed - stats.totalInstant, answered) } : {}),
    ...(finished > 0 ? { completionRate: percent(stats.totalCompleted, finished) } : {}),
    ...(stats.totalCompleted > 0 ? { avgBookingValue: Math.round(stats.totalRevenue / stats.totalCompleted) } : {}),
    ...(middle === undefined ? {} : { medianResponseTimeMinutes: middle }),
  };
}

/** The stats with their derived figures worked out again from the counters, as of `now` (the periodic recompute). */
export function recomputeStats(stats: BookingStats, now: Date): BookingStats {
  return withDerived({ ...stats, recentResponseMinutes: [...stats.recentResponseMinutes], lastCalculatedAt: now });
}

/** Folds one outcome into the stats: a new object, counters only ever going up. */
export function applyBookingOutcome(stats: BookingStats, outcome: BookingOutcome, now: Date): BookingStats {
  const next: BookingStats = { ...stats, recentResponseMinutes: [...stats.recentResponseMinutes], lastCalculatedAt: now };
  switch (outcome.kind) {
    case 'requested':
      next.totalRequests += 1;
      next.lastBookingAt = now;
      break;
    case 'responded': {
      next.totalResponded += 1;
      const minutes = outcome.responseMinutes;
      if (minutes !== undefined && Number.isFinite(minutes)) {
        const sample = Math.max(0, minutes);
        next.responseTimeSamples += 1;
        const previous = stats.responseTimeSamples > 0 ? (stats.avgResponseTimeMinutes ?? 0) : 0;
        next.avgResponseTimeMinutes = previous + (sample - previous) / next.responseTimeSamples;
        next.recentResponseMinutes = [...stats.recentResponseMinutes, sample].slice(-RECENT_RESPONSE_WINDOW);
      }
      break;
    }
    case 'confirmed':
      next.totalConfirmed += 1;
      if (outcome.instant) next.totalInstant += 1;
      break;
    case 'completed':
      next.totalCompleted += 1;
      next.totalRevenue += Math.max(0, Math.round(outcome.revenueCents));
      next.lastCompletedAt = now;
      break;
    case 'cancelled':
      next.totalCancelled += 1;
      if (outcome.byProvider && outcome.afterConfirmation) next.totalProviderCancelledAfterConfirm += 1;
      break;
    case 'expired':
      next.totalExpired += 1;
      break;
    case 'no_show':
      next.totalNoShow += 1;
      break;
  }
  return withDerived(next);
}

// ---- trust score ---------------------------------------------------------------------------------

/** The spec's factors and weights (Provider.trustScore.factors); the weights add up to 100. */
export const TRUST_WEIGHTS = { responseRate: 30, completionRate: 25, noShowRate: 20, reviewScore: 15, accountAge: 10 } as const;

export type TrustFactor = keyof typeof TRUST_WEIGHTS;

/** Each factor's `value` is its 0–100 score, higher is better; `score` = Σ weight × value / 100. */
export interface TrustScore {
  score: number;
  factors: Record<TrustFactor, { weight: number; value: number }>;
  lastCalculatedAt: Date;
}

/** Days until account age stops counting against a provider. */
export const ACCOUNT_MATURITY_DAYS = 365;
/** Reviews are 0–5 stars. */
export const MAX_REVIEW_STARS = 5;

/** Without evidence a factor gives the benefit of the doubt: the spec's default score is 100. */
const NEUTRAL = 100;

function factorValues(stats: BookingStats, accountCreatedAt: Date | undefined, reviewScore: number | undefined, now: Date): Record<TrustFactor, number> {
  const answered = stats.totalResponded + stats.totalExpired;
  const finished = stats.totalCompleted + stats.totalNoShow + stats.totalProviderCancelledAfterConfirm;
  const visits = stats.totalCompleted + stats.totalNoShow;
  const ageDays = accountCreatedAt ? (now.getTime() - accountCreatedAt.getTime()) / 86_400_000 : undefined;
  return {
    responseRate: answered > 0 ? percent(stats.totalResponded, answered) : NEUTRAL,
    completionRate: finished > 0 ? percent(stats.totalCompleted, finished) : NEUTRAL,
    noShowRate: visits > 0 ? round1(100 - percent(stats.totalNoShow, visits)) : NEUTRAL,
    reviewScore: reviewScore !== undefined && Number.isFinite(reviewScore) ? round1(clampPercent((100 * reviewScore) / MAX_REVIEW_STARS)) : NEUTRAL,
    accountAge: ageDays !== undefined && Number.isFinite(ageDays) ? round1(clampPercent((100 * ageDays) / ACCOUNT_MATURITY_DAYS)) : NEUTRAL,
  };
}

/**
 * The provider's trust score from their stats, account age and (when known) average review, with
 * the spec's weights: responsiveness (answered / answered-or-expired), completion, no-shows marked,
 * reviews, and an account age that reaches full marks after a year.
 */
export function trustScore(stats: BookingStats, accountCreatedAt: Date | undefined, reviewScore: number | undefined, now: Date): TrustScore {
  const values = factorValues(stats, accountCreatedAt, reviewScore, now);
  const factors = Object.fromEntries(
    (Object.keys(TRUST_WEIGHTS) as TrustFactor[]).map((name) => [name, { weight: TRUST_WEIGHTS[name], value: values[name] }]),
  ) as TrustScore['factors'];
  const weighted = (Object.keys(TRUST_WEIGHTS) as TrustFactor[]).reduce((sum, name) => sum + TRUST_WEIGHTS[name] * values[name], 0) / 100;
  return { score: Math.round(clampPercent(weighted)), factors, lastCalculatedAt: now };
}
