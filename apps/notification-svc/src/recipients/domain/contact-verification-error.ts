import { DomainError } from '@bp/domain';

/** Stable codes of contact verification (the error envelope carries them to clients). */
export enum ContactVerificationErrorCode {
  ContactNotSet = 'CONTACT_NOT_SET',
  AlreadyVerified = 'CONTACT_ALREADY_VERIFIED',
  ChannelUnavailable = 'CONTACT_CHANNEL_UNAVAILABLE',
  Unreachable = 'CONTACT_UNREACHABLE',
  NoCode = 'VERIFICATION_CODE_NOT_ISSUED',
  CodeInvalid = 'VERIFICATION_CODE_INVALID',
  CodeExpired = 'VERIFICATION_CODE_EXPIRED',
  AttemptsExceeded = 'VERIFICATION_ATTEMPTS_EXCEEDED',
  ResendTooSoon = 'VERIFICATION_RESEND_TOO_SOON',
  DailyLimit = 'VERIFICATION_DAILY_LIMIT',
  Conflict = 'VERIFICATION_CONFLICT',
  SendFailed = 'VERIFICATION_SEND_FAILED',
}

/** A rule of contact verification said no; `retryAt` says when asking again can succeed (rate limits). */
export class ContactVerificationError extends DomainError<ContactVerificationErrorCode> {}
