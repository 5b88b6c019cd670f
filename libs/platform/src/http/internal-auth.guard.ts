import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Actor } from './actor.js';
import { InternalIdentity } from './internal-identity.js';

export const INTERNAL_TOKEN_HEADER = 'x-internal-token';

/** The request of an internal call its token was checked for: who called, and on whose behalf. */
export type InternalRequest = FastifyRequest & { internalCaller?: { caller: string; actor: Actor } };

/**
 * Service-to-service calls carry a token their caller signed for this service and this request
 * (InternalIdentity): 401 without a valid one, 403 when a service other than the gateway speaks for
 * someone else. Public authorization happens in the gateway; this keeps the internal API closed to
 * everything else, and tells the handler who the actor is (@InternalActor).
 */
@Injectable()
export class InternalAuthGuard implements CanActivate {
  constructor(private readonly identity: InternalIdentity) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<InternalRequest>();
    const token = request.headers[INTERNAL_TOKEN_HEADER];
    request.internalCaller = this.identity.authenticate(typeof token === 'string' ? token : undefined, request.method, request.url);
    return true;
  }
}
