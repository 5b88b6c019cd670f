import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { failure } from './api-envelope.js';

/** The longest path parameter the API documents (characters, printable ASCII). */
export const MAX_PATH_PARAMETER_LENGTH = 2048;

/**
 * What the router takes, counted on the percent-encoded path: three times the documented length, so a
 * documented parameter always reaches its route (and its guards); a longer one is refused with 414.
 */
export const ROUTER_MAX_PARAMETER_LENGTH = 3 * MAX_PATH_PARAMETER_LENGTH;

const CODES: Record<string, string> = {
  FST_ERR_BAD_URL: 'BAD_REQUEST',
  FST_ERR_MAX_PARAM_LENGTH: 'URI_TOO_LONG',
};

/**
 * Fastify's own refusals before any route runs (a path parameter over the router's length limit:
 * 414; a malformed URL: 400), in the error envelope like every other answer instead of Fastify's
 * default body. No route has run, so the request context is not open: the id comes from the request.
 */
export function frameworkErrorReply(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 400;
  const body = failure(CODES[error.code] ?? 'BAD_REQUEST', status === 414 ? 'A path segment is longer than this API accepts' : 'The URL is malformed');
  void reply
    .code(status)
    .header('X-Request-ID', String(request.id))
    .send({ ...body, meta: { ...body.meta, requestId: String(request.id) } });
}
