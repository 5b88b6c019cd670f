export enum ReservationErrorCode {
  InvalidTimeRange = 'INVALID_TIME_RANGE',
  SlotInPast = 'SLOT_IN_PAST',
  IdempotencyKeyReused = 'IDEMPOTENCY_KEY_REUSED',
}

export class ReservationError extends Error {
  /** Retrying the same input cannot succeed. */
  readonly retryable = false;

  constructor(
    readonly code: ReservationErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ReservationError';
  }
}
