import { DomainError } from '@bp/domain';

/** Stable error codes of booking-svc (the spec's error envelope carries them to clients). */
export enum BookingErrorCode {
  ValidationFailed = 'VALIDATION_FAILED',
  InvalidTimeRange = 'INVALID_TIME_RANGE',
  SlotInPast = 'SLOT_IN_PAST',
  SlotUnavailable = 'SLOT_UNAVAILABLE',
  OutsideBookingWindow = 'OUTSIDE_BOOKING_WINDOW',
  ReservationLimitReached = 'RESERVATION_LIMIT_REACHED',
  ReservationNotFound = 'RESERVATION_NOT_FOUND',
  ReservationExpired = 'RESERVATION_EXPIRED',
  ProviderNotFound = 'PROVIDER_NOT_FOUND',
  BookingModeUnavailable = 'BOOKING_MODE_UNAVAILABLE',
  ProviderExists = 'PROVIDER_EXISTS',
  ServiceNotFound = 'SERVICE_NOT_FOUND',
  BookingNotFound = 'BOOKING_NOT_FOUND',
  BookingExpired = 'BOOKING_EXPIRED',
  InvalidTransition = 'INVALID_TRANSITION',
  VersionConflict = 'VERSION_CONFLICT',
  RescheduleLimitReached = 'RESCHEDULE_LIMIT_REACHED',
  RescheduleNotAllowed = 'RESCHEDULE_NOT_ALLOWED',
  CancellationNotAllowed = 'CANCELLATION_NOT_ALLOWED',
  IdempotencyKeyReused = 'IDEMPOTENCY_KEY_REUSED',
  Forbidden = 'FORBIDDEN',
}

/** A rule of the booking domain said no. Retrying the same input cannot succeed (conflicts aside). */
export class BookingError extends DomainError<BookingErrorCode> {
  /** Only a lost race is worth retrying as is; every other rule says the same no again. */
  override get retryable(): boolean {
    return this.code === BookingErrorCode.VersionConflict;
  }
}
