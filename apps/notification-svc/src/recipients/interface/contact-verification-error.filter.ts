import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { failure } from '@bp/platform';
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

export function httpStatusOf(code: Code): number {
  return STATUS[code];
}

/** The one place contact verification's errors become HTTP answers; a rate limit says when to ask again (Retry-After, seconds). */
@Catch(ContactVerificationError)
export class ContactVerificationErrorFilter implements ExceptionFilter {
  catch(error: ContactVerificationError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const retryAfterSeconds = error.retryAt ? Math.max(1, Math.ceil((error.retryAt.getTime() - Date.now()) / 1000)) : undefined;
    const details = { ...error.details, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) };
    if (retryAfterSeconds !== undefined) void reply.header('Retry-After', String(retryAfterSeconds));
    void reply.status(STATUS[error.code]).send(failure(error.code, error.message, Object.keys(details).length > 0 ? details : undefined));
  }
}
