/**
 * What the checker reads of the platform: each service's own records, as stored (booking-svc's
 * bookings and slot holds, payment-svc's payments, scheduler-svc's timers) and, when asked, Stripe's
 * view of each payment's intent. Only the fields the rules use.
 */
export interface BookingRecord {
  _id: string;
  status: string;
  providerId: string;
  holdId: string;
  dateTime: { requestedStart: Date; requestedEnd: Date; confirmedStart?: Date; confirmedEnd?: Date; bufferMinutes: number };
  confirmation: { responseType?: string };
  reschedule: { count: number; current?: { holdId: string } };
  cancellation?: { feeCents?: number };
}

export interface HoldRecord {
  _id: string;
  expiresAt?: Date;
  /** The booking it was extended for: a lapsed hold that booking still holds counts (booking-svc's SlotClaimStore). */
  bookingId?: string;
}

export interface PaymentRecord {
  _id: string;
  status: string;
  amountCents: number;
  capturedCents: number;
  refundedCents: number;
  paymentIntentId?: string;
  captureWaiting?: boolean;
  awaitingConfirmation?: boolean;
  refundPending?: boolean;
  refunds?: Array<{ amountCents: number; initiatedBy?: string }>;
}

export interface TimerRecord {
  _id: string;
  status: string;
}

/** A PaymentIntent as Stripe has it. */
export interface IntentRecord {
  id: string;
  status: string;
  amountReceived: number;
}

export interface PlatformSnapshot {
  now: Date;
  bookings: BookingRecord[];
  holds: HoldRecord[];
  payments: PaymentRecord[];
  /** Absent when scheduler-svc's records were not read. */
  timers?: TimerRecord[];
  /** By intent id; absent when Stripe was not asked. */
  intents?: Map<string, IntentRecord>;
}

/** One broken rule, with the booking it concerns. */
export interface Violation {
  rule: string;
  bookingId: string;
  detail: string;
}

export interface Findings {
  violations: Violation[];
  /** Confirmed bookings whose capture the `payment.disable_captures` kill switch holds back: listed, not violations. */
  deferredCaptures: string[];
}
