import type { PlatformFee } from '@bp/pricing';
import type { BookingMode } from '../../providers/domain/booking-settings.js';
import type { BookingStatus } from './booking-status.js';

export type ActorType = 'patient' | 'provider' | 'admin' | 'system';

export interface BookingActor {
  type: ActorType;
  id: string;
}

export interface ServiceSnapshot {
  serviceId: string;
  name: string;
  category: string;
  durationMinutes: number;
  priceCents: number;
  currency: string;
}

export type PaymentStatus = 'pending' | 'requires_action' | 'held' | 'capture_requested' | 'captured' | 'refunded' | 'partial_refund' | 'failed' | 'cancelled';

/**
 * One immutable audit entry (the spec's BookingEvent). Written with the change it describes (in the
 * booking's outbox, one write) and moved to the audit collection by the outbox relay, so the booking
 * itself stays small however long its history.
 */
export interface BookingAuditEvent {
  eventType: string;
  previousStatus?: BookingStatus;
  newStatus?: BookingStatus;
  data?: Record<string, unknown>;
  actor: BookingActor;
  context: { requestId?: string; source?: string };
  timestamp: Date;
}

export interface DisputeRecord {
  disputeId: string;
  status: 'open' | 'won' | 'lost';
}

export interface RescheduleProposal {
  proposedBy: 'provider';
  proposedAt: Date;
  proposedStart: Date;
  proposedEnd: Date;
  responseDeadline: Date;
  holdId: string;
  message?: string;
}

export interface RescheduleAttempt {
  attemptNumber: number;
  fromStart: Date;
  fromEnd: Date;
  toStart: Date;
  toEnd: Date;
  proposedBy: 'provider';
  proposedAt: Date;
  respondedAt?: Date;
  accepted?: boolean;
  message?: string;
}

export interface Booking {
  id: string;
  bookingNumber: string;
  patientId: string;
  providerId: string;
  /** The slot claims' hold id: the reservation's at first, the accepted proposal's after a reschedule. */
  holdId: string;
  reservationId: string;
  service: ServiceSnapshot;
  bookingType: BookingMode;
  status: BookingStatus;
  dateTime: {
    requestedStart: Date;
    requestedEnd: Date;
    confirmedStart?: Date;
    confirmedEnd?: Date;
    actualStart?: Date;
    actualEnd?: Date;
    providerTimezone: string;
    patientTimezone: string;
    bufferMinutes: number;
  };
  confirmation: {
    required: boolean;
    requestedAt?: Date;
    expiresAt?: Date;
    respondedAt?: Date;
    responseType?: 'confirmed' | 'rescheduled' | 'declined' | 'expired';
    declineReason?: string;
    /** Auto-confirm took this request as its hold was placed: the provider is told of a booking, not asked. */
    autoConfirm?: boolean;
  };
  reschedule: { count: number; maxAttempts: number; current?: RescheduleProposal; history: RescheduleAttempt[] };
  payment: {
    status: PaymentStatus;
    originalAmountCents: number;
    capturedAmountCents?: number;
    refundedAmountCents?: number;
    cancellationFeeCents?: number;
    paymentIntentId?: string;
    platformFee: PlatformFee;
    /** While payment_failed: the patient may pay until then; after it the booking expires and frees its slot. */
    retryUntil?: Date;
    /** The patient's saved card this booking pays with (their default when absent). */
    paymentMethodId?: string;
    /**
     * While `requires_action`: the card's bank wants the patient to authenticate (3-D Secure) in the app
     * with this client secret (shown to the patient only) before `expiresAt`; otherwise the booking
     * expires and frees its slot.
     */
    action?: { clientSecret: string; expiresAt: Date };
    /** Why the last payment attempt failed: Stripe's code and a message the app can show. */
    failure?: { code: string; message: string };
  };
  cancellation?: { by: ActorType; reason?: string; at: Date; feePercent: number; feeCents: number };
  notes: { patientNotes?: string; cancellationReason?: string; adminNotes?: string };
  /** Card disputes heard of (each recorded once, then its outcome once). */
  disputes?: DisputeRecord[];
  /** The patient's name from their identity token, for the provider's screens (never logged). */
  patientName?: string;
  /** The provider's display name when the booking was made, for admin screens. */
  providerName?: string;
  /** When the booking first became confirmed. */
  confirmedAt?: Date;
  /**
   * Set while something about the booking waits for an admin (a change whose audit entry says
   * `needsAdmin`): an equality the database can find them by, with when and why it was first set.
   * Cleared when an admin overrides or acknowledges the booking.
   */
  needsAdmin?: true;
  needsAdminSince?: Date;
  needsAdminReason?: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Why a waiting booking lapsed (the `lapse` of its `expired` audit entry and status event). */
export type Lapse = 'confirmation' | 'reschedule_response' | 'payment_hold' | 'payment_retry' | 'payment_action';

/** Where the booking currently sits in time (a reschedule moves it). */
export function currentTimes(booking: Booking): { start: Date; end: Date } {
  return { start: booking.dateTime.confirmedStart ?? booking.dateTime.requestedStart, end: booking.dateTime.confirmedEnd ?? booking.dateTime.requestedEnd };
}
