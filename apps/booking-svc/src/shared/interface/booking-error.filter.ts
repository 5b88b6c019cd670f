import { domainErrorFilter } from '@bp/platform';
import { BookingError, BookingErrorCode } from '../domain/booking-error.js';

const STATUS: Record<BookingErrorCode, number> = {
  [BookingErrorCode.ValidationFailed]: 422,
  [BookingErrorCode.InvalidTimeRange]: 422,
  [BookingErrorCode.SlotInPast]: 422,
  [BookingErrorCode.SlotUnavailable]: 409,
  [BookingErrorCode.OutsideBookingWindow]: 422,
  [BookingErrorCode.ReservationLimitReached]: 429,
  [BookingErrorCode.ReservationNotFound]: 404,
  [BookingErrorCode.ReservationExpired]: 410,
  [BookingErrorCode.ProviderNotFound]: 404,
  [BookingErrorCode.BookingModeUnavailable]: 422,
  [BookingErrorCode.ProviderExists]: 409,
  [BookingErrorCode.ServiceNotFound]: 404,
  [BookingErrorCode.BookingNotFound]: 404,
  [BookingErrorCode.BookingExpired]: 410,
  [BookingErrorCode.InvalidTransition]: 409,
  [BookingErrorCode.VersionConflict]: 409,
  [BookingErrorCode.RescheduleLimitReached]: 409,
  [BookingErrorCode.RescheduleNotAllowed]: 409,
  [BookingErrorCode.CancellationNotAllowed]: 409,
  [BookingErrorCode.IdempotencyKeyReused]: 422,
  [BookingErrorCode.Forbidden]: 403,
};

/** The one place booking-svc's domain errors become HTTP answers in the spec's error envelope. */
export const BookingErrorFilter = domainErrorFilter(BookingError, STATUS);
