import { ApiError } from '@bp/platform';
import { ReservationError, ReservationErrorCode } from '../domain/reservation-error.js';

const STATUS: Record<ReservationErrorCode, number> = {
  [ReservationErrorCode.InvalidTimeRange]: 422,
  [ReservationErrorCode.SlotInPast]: 422,
  [ReservationErrorCode.IdempotencyKeyReused]: 422,
};

/** The one place reservation domain errors become HTTP errors. */
export function toApiError(error: unknown): unknown {
  return error instanceof ReservationError ? new ApiError(STATUS[error.code], error.code, error.message) : error;
}
