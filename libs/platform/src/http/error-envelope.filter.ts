import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiError, failure } from './api-envelope.js';

const CODES_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_ENTITY',
  426: 'UPGRADE_REQUIRED',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
  504: 'UPSTREAM_TIMEOUT',
};

/** Fastify's own errors (body parsing, size limit) carry a status code and an FST_* code. */
function isFastifyError(error: unknown): error is { statusCode: number; code: string; message: string } {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { statusCode?: unknown }).statusCode === 'number' &&
    String((error as { code?: unknown }).code).startsWith('FST_')
  );
}

/**
 * The driver's errors for a database it cannot reach (down, failing over, connections dropped): the
 * request did not happen, and may be tried again in a moment.
 */
const DATABASE_UNREACHABLE = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
]);

function isDatabaseUnreachable(error: unknown): boolean {
  for (let proto = error; proto && typeof proto === 'object'; proto = Object.getPrototypeOf(proto)) {
    const name = (proto as { constructor?: { name?: string } }).constructor?.name;
    if (name && DATABASE_UNREACHABLE.has(name)) return true;
  }
  return false;
}

/** Every error leaves the service in the spec's envelope with a stable code; only a real bug is a 500. */
@Catch()
export class ErrorEnvelopeFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (isDatabaseUnreachable(error)) {
      // The database is away (an outage, a failover): 503 with Retry-After, not a 500 — nothing was done.
      this.logger.warn({ message: 'database unreachable; answered 503', error: (error as Error).message });
      error = new ApiError(503, 'DATABASE_UNAVAILABLE', 'The service cannot reach its database; try again shortly', undefined, 1);
    }
    const { status, body } = this.toEnvelope(error);
    // An ApiError is an answer we chose (503 NOT_READY, 502 from a dependency), not a failure to log.
    if (status >= 500 && !(error instanceof ApiError))
      this.logger.error({ message: 'request failed', error: error instanceof Error ? error.stack : String(error) });
    if (error instanceof ApiError && error.retryAfterSeconds !== undefined) void reply.header('Retry-After', String(error.retryAfterSeconds));
    void reply.status(status).send(body);
  }

  private toEnvelope(error: unknown) {
    if (error instanceof ApiError) return { status: error.status, body: failure(error.code, error.message, error.details) };
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const response = error.getResponse();
      const message = typeof response === 'string' ? response : ((response as { message?: unknown }).message ?? error.message);
      return {
        status,
        body: failure(
          CODES_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST'),
          Array.isArray(message) ? message.join('; ') : String(message),
        ),
      };
    }
    if (isFastifyError(error) && error.statusCode < 500) {
      const code = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'PAYLOAD_TOO_LARGE' : (CODES_BY_STATUS[error.statusCode] ?? 'BAD_REQUEST');
      return { status: error.statusCode, body: failure(code, error.message) };
    }
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, body: failure('INTERNAL_ERROR', 'An unexpected error occurred') };
  }
}
