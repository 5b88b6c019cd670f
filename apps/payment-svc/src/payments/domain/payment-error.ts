import { DomainError } from '@bp/domain';

export enum PaymentErrorCode {
  InvalidPaymentTransition = 'INVALID_PAYMENT_TRANSITION',
  RefundExceedsCaptured = 'REFUND_EXCEEDS_CAPTURED',
  CaptureExceedsHold = 'CAPTURE_EXCEEDS_HOLD',
  ValidationFailed = 'VALIDATION_FAILED',
  PaymentNotFound = 'PAYMENT_NOT_FOUND',
  RefundInProgress = 'REFUND_IN_PROGRESS',
  PaymentDisputed = 'PAYMENT_DISPUTED',
  RefundRefused = 'REFUND_REFUSED',
  CardNotFound = 'CARD_NOT_FOUND',
}

/** A payment rule said no; retrying the same input cannot succeed. */
export class PaymentError extends DomainError<PaymentErrorCode> {}
