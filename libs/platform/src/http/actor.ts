import { type ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiError } from './api-envelope.js';
import { type RequestContext, requestContext } from '../context/request-context.js';

export type Actor = NonNullable<RequestContext['actor']>;

/** The caller's actor as its internal token states it (checked by InternalAuthGuard, which must guard the route). */
export const InternalActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const request = context.switchToHttp().getRequest<FastifyRequest & { internalCaller?: { actor: Actor } }>();
  const actor = request.internalCaller?.actor;
  if (!actor) throw new ApiError(401, 'UNAUTHENTICATED', 'Internal call without its token');
  const current = requestContext.current();
  if (current) current.actor = actor; // carried into the envelopes this request's writes produce
  return actor;
});

/** The X-Idempotency-Key of a mutating call; required (400 IDEMPOTENCY_KEY_REQUIRED when missing or malformed). */
export const IdempotencyKey = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const key = context.switchToHttp().getRequest<FastifyRequest>().headers['x-idempotency-key'];
  if (typeof key !== 'string' || !/^[A-Za-z0-9._:-]{8,128}$/.test(key)) {
    throw new ApiError(400, 'IDEMPOTENCY_KEY_REQUIRED', 'X-Idempotency-Key (8–128 characters of A–Z, a–z, 0–9, . _ : -) is required on this call');
  }
  return key;
});
