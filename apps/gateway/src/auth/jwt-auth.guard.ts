import { type CanActivate, type ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ApiError, requestContext } from '@bp/platform';
import type { AuthenticatedUser, Role } from './authenticated-user.js';
import { TokenVerifier } from './token-verifier.js';

const ROLES_KEY = 'roles';
/** The roles allowed on a route; a route without it is open to any authenticated user. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export type AuthenticatedRequest = FastifyRequest & { user: AuthenticatedUser };

/** Requires a valid bearer token (verified once per request), then the route's roles; puts the caller into the request context. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthenticatedUser }>();
    const user = request.user ?? (await this.verifier.verify(request.headers.authorization));
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    if (allowed && !allowed.includes(user.role)) throw new ApiError(403, 'FORBIDDEN', `This action is not available to a ${user.role}`);
    request.user = user;
    const current = requestContext.current();
    if (current) current.actor = { type: user.role, id: user.id };
    return true;
  }
}
