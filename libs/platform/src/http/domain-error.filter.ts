import { type ArgumentsHost, Catch, type ExceptionFilter, type Type } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { DomainError } from '@bp/domain';
import { failure } from './api-envelope.js';

/** Answers a domain error in the envelope with `status`; one that says when to retry gets Retry-After (seconds) and `details.retryAfterSeconds`. */
export function replyWithDomainError(reply: FastifyReply, error: DomainError, status: number, now: number = Date.now()): void {
  const retryAfterSeconds = error.retryAt ? Math.max(1, Math.ceil((error.retryAt.getTime() - now) / 1000)) : undefined;
  const details = { ...error.details, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) };
  if (retryAfterSeconds !== undefined) void reply.header('Retry-After', String(retryAfterSeconds));
  void reply.status(status).send(failure(error.code, error.message, Object.keys(details).length > 0 ? details : undefined));
}

/** The one place a domain's errors become HTTP answers: a filter catching `type`, answering each code with the status `statusOf` gives it. */
export function domainErrorFilter<Code extends string>(
  type: abstract new (...args: never[]) => DomainError<Code>,
  statusOf: Readonly<Record<Code, number>>,
): Type<ExceptionFilter> {
  @Catch(type)
  class DomainErrorFilter implements ExceptionFilter {
    catch(error: DomainError<Code>, host: ArgumentsHost): void {
      replyWithDomainError(host.switchToHttp().getResponse<FastifyReply>(), error, statusOf[error.code]);
    }
  }
  return DomainErrorFilter;
}
