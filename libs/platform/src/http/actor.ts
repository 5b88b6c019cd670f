import { type ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiError } from './api-envelope.js';
import { type RequestContext, requestContext } from '../context/request-context.js';

export type Actor = NonNullable<RequestContext['actor']>;
const ACTOR_TYPES = new Set(['patient', 'provider', 'admin', 'system']);

/** The authenticated caller as the gateway forwarded it on an internal call (x-actor-type, x-actor-id). */
export const InternalActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const headers = context.switchToHttp().getRequest<FastifyRequest>().headers;
  const type = headers['x-actor-type'];
  const id = headers['x-actor-id'];
  if (typeof type !== 'string' || !ACTOR_TYPES.has(type) || typeof id !== 'string' || id.length === 0) {
    throw new ApiError(400, 'ACTOR_REQUIRED', 'x-actor-type and x-actor-id are required on internal calls');
  }
  const actor = { type: type as Actor['type'], id };
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
