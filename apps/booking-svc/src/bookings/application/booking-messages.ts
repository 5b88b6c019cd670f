import { Topics } from '@bp/contracts';
import { type OutgoingMessage, buildMessage } from '@bp/messaging';
import { currentTimes } from '../domain/booking.js';
import type { Booking, Lapse } from '../domain/booking.js';
import type { BookingChange, BookingEffect } from '../domain/booking-transitions.js';

/** The booking's deadline while one runs: the provider's (confirmation), the patient's (reschedule), the patient's payment (retry). */
function deadlineOf(booking: Booking): Date | undefined {
  if (booking.status === 'pending_confirmation' && !booking.confirmation.responseType) return booking.confirmation.expiresAt;
  if (booking.status === 'reschedule_proposed') return booking.reschedule.current?.responseDeadline;
  if (booking.status === 'payment_failed') return booking.payment.retryUntil;
  if (booking.status === 'pending_payment' && booking.payment.status === 'requires_action') return booking.payment.action?.expiresAt;
  return undefined;
}

/** When the request reached the provider and when they answered, once they have. */
function answerTimes({ confirmation }: Booking): { requestedAt?: string; respondedAt?: string } {
  if (!confirmation.requestedAt || !confirmation.respondedAt) return {};
  return { requestedAt: confirmation.requestedAt.toISOString(), respondedAt: confirmation.respondedAt.toISOString() };
}

function lapseOf(change: BookingChange): Lapse | undefined {
  const lapse = change.audit.at(-1)?.data?.['lapse'];
  return typeof lapse === 'string' ? (lapse as Lapse) : undefined;
}

/** What a change publishes, through the booking's outbox: its status event and its payment commands. */
export function messagesFor(change: BookingChange): OutgoingMessage[] {
  const { booking } = change;
  const aggregate = { id: booking.id, version: booking.version };
  const { start, end } = currentTimes(booking);
  const deadline = deadlineOf(booking);
  const last = change.audit.at(-1);
  const lapse = lapseOf(change);
  const statusChanged = buildMessage(
    Topics.bookingEvents,
    'BookingStatusChanged',
    {
      bookingId: booking.id,
      bookingNumber: booking.bookingNumber,
      patientId: booking.patientId,
      providerId: booking.providerId,
      bookingType: booking.bookingType,
      ...(last?.previousStatus ? { previousStatus: last.previousStatus } : {}),
      status: booking.status,
      reason: last?.eventType ?? 'status_changed',
      startTime: start.toISOString(),
      endTime: end.toISOString(),
      providerTimezone: booking.dateTime.providerTimezone,
      patientTimezone: booking.dateTime.patientTimezone,
      ...(deadline ? { deadline: deadline.toISOString() } : {}),
      ...(lapse ? { lapse } : {}),
      ...(booking.confirmation.autoConfirm ? { autoConfirm: true } : {}),
      ...answerTimes(booking),
      ...(last?.eventType === 'payment_action_required' && booking.payment.action
        ? { paymentAction: { clientSecret: booking.payment.action.clientSecret, expiresAt: booking.payment.action.expiresAt.toISOString() } }
        : {}),
      priceCents: booking.service.priceCents,
      currency: booking.service.currency,
    },
    aggregate,
  );
  return [statusChanged, ...change.effects.flatMap((effect) => paymentCommand(booking, effect, aggregate))];
}

/** The rule behind the booking's fee snapshot, when the snapshot has it whole (payment-svc records it with the fee). */
function feePolicyOf({ percentage, flatFeeCents, maxFeeCents }: Booking['payment']['platformFee']) {
  const whole = [percentage, flatFeeCents, maxFeeCents].every((n) => Number.isInteger(n));
  return whole ? { feePolicy: { percentage, flatFeeCents, maxFeeCents } } : {};
}

function paymentCommand(booking: Booking, effect: BookingEffect, aggregate: { id: string; version: number }): OutgoingMessage[] {
  switch (effect.kind) {
    case 'place_hold':
      return [
        buildMessage(
          Topics.paymentCommands,
          'PlacePaymentHold',
          {
            bookingId: booking.id,
            patientId: booking.patientId,
            providerId: booking.providerId,
            amountCents: booking.payment.originalAmountCents,
            currency: booking.service.currency,
            platformFeeCents: booking.payment.platformFee.calculatedFeeCents,
            ...feePolicyOf(booking.payment.platformFee),
            bookingType: booking.bookingType,
            bookingNumber: booking.bookingNumber,
            ...(booking.payment.paymentMethodId ? { paymentMethodId: booking.payment.paymentMethodId } : {}),
          },
          aggregate,
        ),
      ];
    case 'capture':
      return [
        buildMessage(Topics.paymentCommands, 'CapturePayment', { bookingId: booking.id, amountCents: effect.amountCents, reason: effect.reason }, aggregate),
      ];
    case 'release_hold':
      return [buildMessage(Topics.paymentCommands, 'ReleasePaymentHold', { bookingId: booking.id, reason: effect.reason }, aggregate)];
    case 'refund':
      return [
        buildMessage(
          Topics.paymentCommands,
          'RefundPayment',
          { bookingId: booking.id, amountCents: effect.amountCents, reason: effect.reason, initiatedBy: effect.initiatedBy },
          aggregate,
        ),
      ];
    default:
      return []; // slot effects are the claim store's
  }
}
