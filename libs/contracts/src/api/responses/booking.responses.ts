import { type Static, Type } from '@sinclair/typebox';
import { BOOKING_STATUS_VALUES } from '../../booking/booking-statuses.js';
import { DateTime, Integer, Nullable, OneOf, OpenObject, Ref } from './json-schema.js';
import { PaymentContract } from './payment.responses.js';

const ACTOR_TYPES = ['patient', 'provider', 'admin', 'system'] as const;
const Optional = Type.Optional;

/** A held slot during checkout (booking-svc's reservation). */
export const ReservationContract = Type.Object({
  id: Type.String(),
  providerId: Type.String(),
  patientId: Type.String(),
  serviceId: Type.String(),
  startTime: DateTime(),
  endTime: DateTime(),
  bufferMinutes: Optional(Integer()),
  status: OneOf(['active', 'converted', 'expired', 'released']),
  expiresAt: DateTime(),
  createdAt: Optional(DateTime()),
});

const BookingPaymentContract = Type.Object({
  status: OneOf(['pending', 'requires_action', 'held', 'capture_requested', 'captured', 'refunded', 'partial_refund', 'failed', 'cancelled']),
  originalAmountCents: Integer(),
  capturedAmountCents: Optional(Integer()),
  refundedAmountCents: Optional(Integer()),
  cancellationFeeCents: Optional(Integer()),
  paymentIntentId: Optional(Type.String()),
  paymentMethodId: Optional(Type.String({ description: 'The saved card this booking pays with (the patient’s default when absent)' })),
  platformFee: Type.Object({ percentage: Type.Number(), flatFeeCents: Integer(), maxFeeCents: Integer(), calculatedFeeCents: Integer() }),
  action: Optional(
    Type.Object(
      { clientSecret: Optional(Type.String()), expiresAt: DateTime() },
      {
        description:
          'While status is requires_action: the card’s bank asks the patient to authenticate (3-D Secure). clientSecret (the patient only) is for the app’s Stripe SDK (handleNextAction); after expiresAt the booking expires and frees its slot.',
      },
    ),
  ),
  retryUntil: Optional(DateTime({ description: 'While payment_failed: the patient may pay again (retry-payment) until then' })),
  failure: Optional(
    Type.Object({ code: Type.String(), message: Type.String({ description: 'Text the app can show' }) }, { description: 'Why the last attempt failed' }),
  ),
});

/** What callers see of a booking (booking-svc's bookingView); the gateway adds `localTimes`. */
export const BookingContract = Type.Object({
  id: Type.String(),
  bookingNumber: Type.String({ pattern: '^FH-\\d{8}-[0-9A-Z]{5}$' }),
  patientId: Type.String(),
  providerId: Type.String(),
  reservationId: Type.String(),
  bookingType: OneOf(['instant', 'request']),
  status: OneOf(BOOKING_STATUS_VALUES),
  service: Type.Object({
    serviceId: Type.String(),
    name: Type.String(),
    category: Type.String(),
    durationMinutes: Integer(),
    priceCents: Integer(),
    currency: Type.String(),
  }),
  dateTime: Type.Object({
    requestedStart: DateTime(),
    requestedEnd: DateTime(),
    confirmedStart: Optional(DateTime()),
    confirmedEnd: Optional(DateTime()),
    actualStart: Optional(DateTime()),
    actualEnd: Optional(DateTime()),
    providerTimezone: Type.String(),
    patientTimezone: Type.String(),
    bufferMinutes: Integer(),
  }),
  localTimes: Optional(
    Type.Object({ timezone: Type.String(), start: DateTime(), end: DateTime() }, { description: 'Present when X-Timezone was sent (added by the gateway)' }),
  ),
  confirmation: Type.Object({
    required: Type.Boolean(),
    requestedAt: Optional(DateTime()),
    expiresAt: Optional(DateTime()),
    respondedAt: Optional(DateTime()),
    responseType: Optional(OneOf(['confirmed', 'rescheduled', 'declined', 'expired'])),
    declineReason: Optional(Type.String()),
    autoConfirm: Optional(Type.Boolean()),
  }),
  reschedule: Type.Object({
    count: Integer(),
    maxAttempts: Integer(),
    current: Optional(
      Type.Object({
        proposedAt: DateTime(),
        proposedStart: DateTime(),
        proposedEnd: DateTime(),
        responseDeadline: DateTime(),
        message: Optional(Type.String()),
      }),
    ),
    history: Type.Array(OpenObject()),
  }),
  payment: BookingPaymentContract,
  cancellation: Optional(
    Type.Object({ by: OneOf(ACTOR_TYPES), reason: Optional(Type.String()), at: DateTime(), feePercent: Type.Number(), feeCents: Integer() }),
  ),
  notes: Type.Object({ patientNotes: Optional(Type.String()), cancellationReason: Optional(Type.String()), adminNotes: Optional(Type.String()) }),
  disputes: Optional(Type.Array(Type.Object({ disputeId: Type.String(), status: OneOf(['open', 'won', 'lost']) }))),
  patientName: Optional(Type.String({ description: 'The patient’s name from their identity token' })),
  providerName: Optional(Type.String({ description: 'The provider’s display name when the booking was made' })),
  confirmedAt: Optional(DateTime()),
  needsAdmin: Optional(Type.Boolean({ description: 'Something about the booking waits for an admin (admins only act on it)' })),
  needsAdminSince: Optional(DateTime()),
  needsAdminReason: Optional(Type.String()),
  version: Integer(),
  createdAt: DateTime(),
  updatedAt: DateTime(),
});

export const BookingPageContract = Type.Object({
  items: Type.Array(Ref('Booking', BookingContract)),
  nextCursor: Nullable(Type.String(), { description: 'null on the last page' }),
});

export const BookingListContract = Type.Array(Ref('Booking', BookingContract));

/** One entry of a booking's audit trail. */
export const AuditEventContract = Type.Object({
  eventType: Type.String(),
  previousStatus: Optional(Type.String()),
  newStatus: Optional(Type.String()),
  data: Optional(OpenObject()),
  actor: Type.Object({ type: OneOf(ACTOR_TYPES), id: Type.String() }),
  context: OpenObject(),
  timestamp: DateTime(),
});

/** An admin's view of one booking: the booking, its audit trail and payment-svc's record. */
export const AdminBookingContract = Type.Intersect([
  Ref('Booking', BookingContract),
  Type.Object({
    audit: Type.Array(Ref('AuditEvent', AuditEventContract)),
    paymentRecord: Type.Unsafe<Static<typeof PaymentContract> | null>({
      allOf: [{ $ref: '#/components/schemas/Payment' }],
      nullable: true,
      description: 'null before payment-svc has one',
    }),
  }),
]);

export type ReservationView = Static<typeof ReservationContract>;
export type BookingView = Static<typeof BookingContract>;
export type AuditEventView = Static<typeof AuditEventContract>;
export type BookingPageView = Static<typeof BookingPageContract>;
