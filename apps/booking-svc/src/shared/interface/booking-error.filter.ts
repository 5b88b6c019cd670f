import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { failure } from '@bp/platform';
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

export function httpStatusOf(code: BookingErrorCode): number {
  return STATUS[code];
}

/** The one place booking-svc's domain errors become HTTP answers in the spec's error envelope. */
@Catch(BookingError)
export class BookingErrorFilter implements ExceptionFilter {
  catch(error: BookingError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    void reply.status(STATUS[error.code]).send(failure(error.code, error.message, error.details));
  }
}
