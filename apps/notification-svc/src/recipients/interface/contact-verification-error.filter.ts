import { domainErrorFilter } from '@bp/platform';
import { ContactVerificationError, ContactVerificationErrorCode as Code } from '../domain/contact-verification-error.js';

const STATUS: Record<Code, number> = {
  [Code.ContactNotSet]: 404,
  [Code.AlreadyVerified]: 409,
  [Code.ChannelUnavailable]: 409,
  [Code.Unreachable]: 422,
  [Code.NoCode]: 409,
  [Code.CodeInvalid]: 400,
  [Code.CodeExpired]: 410,
  [Code.AttemptsExceeded]: 410,
  [Code.ResendTooSoon]: 429,
  [Code.DailyLimit]: 429,
  [Code.Conflict]: 409,
  // The SMS or email provider failed (a service behind this one): the gateway answers it as 502 UPSTREAM_ERROR.
  [Code.SendFailed]: 502,
};

/** The one place contact verification's errors become HTTP answers; a rate limit says when to ask again (Retry-After, seconds). */
export const ContactVerificationErrorFilter = domainErrorFilter(ContactVerificationError, STATUS);
