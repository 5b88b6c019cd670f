import type { BookingSettings } from '../../../providers/domain/booking-settings.js';
import type { SlotEffect } from '../../../slots/domain/slot-plan.js';
import type { Booking, BookingActor, BookingAuditEvent } from '../booking.js';
import { type BookingStatus, assertTransition } from '../booking-status.js';

/**
 * What every transition builds on: its inputs (the caller, the time, the provider's rules), what it
 * produces (the next booking, its audit entry, the effects on money and slots), and `change`, the one
 * way to make the next booking, checked against the state machine (../booking-status.ts).
 */

export interface TransitionContext {
  actor: BookingActor;
  now: Date;
  requestId?: string;
  source?: string;
}

/** What a change asks of the world besides the booking document: payment commands and slot claims. */
export type BookingEffect =
  | { kind: 'place_hold' }
  | { kind: 'capture'; amountCents: number; reason: string }
  | { kind: 'release_hold'; reason: string }
  | { kind: 'refund'; amountCents: number; reason: string; initiatedBy: 'patient' | 'provider' | 'admin' | 'system' }
  | SlotEffect;

export interface BookingChange {
  previous: Booking;
  booking: Booking;
  audit: BookingAuditEvent[];
  effects: BookingEffect[];
}

/** Provider settings a transition needs. */
export type TransitionRules = Pick<
  BookingSettings,
  | 'confirmationDeadlineHours'
  | 'allowReschedule'
  | 'maxRescheduleAttempts'
  | 'rescheduleNoticeHours'
  | 'allowCancellation'
  | 'cancellationNoticeHours'
  | 'cancellationFeePercent'
>;

export function auditEntry(
  ctx: TransitionContext,
  eventType: string,
  previous?: BookingStatus,
  next?: BookingStatus,
  data?: Record<string, unknown>,
): BookingAuditEvent {
  return {
    eventType,
    ...(previous ? { previousStatus: previous } : {}),
    ...(next ? { newStatus: next } : {}),
    ...(data ? { data } : {}),
    actor: ctx.actor,
    context: { ...(ctx.requestId ? { requestId: ctx.requestId } : {}), source: ctx.source ?? (ctx.actor.type === 'system' ? 'system' : 'api') },
    timestamp: ctx.now,
  };
}

/** What a transition changes, besides the version and updatedAt every change sets. */
export interface ChangeOptions {
  /** The audit entry's type (and the reason BookingStatusChanged carries). */
  event: string;
  /** The next status, checked against the state machine; absent, the status stays. */
  to?: BookingStatus;
  /** The booking's other fields that change. */
  patch?: Partial<Booking>;
  /** Payment commands and slot claims the change asks for. */
  effects?: BookingEffect[];
  /** Recorded in the audit entry; `needsAdmin: true` there flags the booking for an admin. */
  auditData?: Record<string, unknown> | undefined;
}

/** Builds a change: the next booking (version + 1, one audit entry per event), validated against the state machine. */
export function change(previous: Booking, ctx: TransitionContext, { event, to, patch = {}, effects = [], auditData }: ChangeOptions): BookingChange {
  if (to && to !== previous.status) assertTransition(previous.status, to);
  const entry = auditEntry(ctx, event, previous.status, to ?? previous.status, auditData);
  const booking: Booking = {
    ...previous,
    ...patch,
    ...milestones(previous, to, ctx.now),
    ...(auditData?.['needsAdmin'] ? flagForAdmin(previous, event, ctx.now) : {}),
    status: to ?? previous.status,
    version: previous.version + 1,
    updatedAt: ctx.now,
  };
  return { previous, booking, audit: [entry], effects };
}

/** How a booking lapses: why its payment hold goes (absent when it is already gone), what else changes, a proposal's slot to free too. */
export interface LapseOptions {
  releaseHold?: string;
  patch?: Partial<Booking>;
  alsoFree?: string;
  auditData: Record<string, unknown>;
}

/** The booking lapses: it ends `expired`, its slot (and a pending proposal's) given back, its payment hold released. */
export function lapse(booking: Booking, ctx: TransitionContext, { releaseHold, patch, alsoFree, auditData }: LapseOptions): BookingChange {
  return change(booking, ctx, {
    event: 'expired',
    to: 'expired',
    ...(patch ? { patch } : {}),
    effects: [
      ...(releaseHold ? [{ kind: 'release_hold' as const, reason: releaseHold }] : []),
      { kind: 'release_slot', holdId: booking.holdId },
      ...(alsoFree ? [{ kind: 'release_slot' as const, holdId: alsoFree }] : []),
    ],
    auditData,
  });
}

/** When a booking first reaches confirmed. */
export function milestones(previous: Booking, to: BookingStatus | undefined, now: Date): Partial<Booking> {
  return to === 'confirmed' && !previous.confirmedAt ? { confirmedAt: now } : {};
}

/** Something waits for an admin: the flag, kept with when and why it was first raised. */
function flagForAdmin(previous: Booking, reason: string, now: Date): Partial<Booking> {
  return previous.needsAdmin ? {} : { needsAdmin: true, needsAdminSince: now, needsAdminReason: reason };
}

export function withoutAdminFlag(booking: Booking): Booking {
  const { needsAdmin: _flag, needsAdminSince: _since, needsAdminReason: _reason, ...rest } = booking;
  return rest;
}
