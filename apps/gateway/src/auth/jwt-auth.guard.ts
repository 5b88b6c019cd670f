import { type CanActivate, type ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { jwtVerify } from 'jose';
import { ApiError, requestContext } from '@bp/platform';
import { GatewayConfig } from '../config/gateway.config.js';
import { type AuthenticatedUser, ROLES, type Role } from './authenticated-user.js';

const ROLES_KEY = 'roles';
/** The roles allowed on a route; a route without it is open to any authenticated user. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export type AuthenticatedRequest = FastifyRequest & { user: AuthenticatedUser };

/** Verifies the bearer token (HS256), then the route's roles; puts the caller into the request context. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private readonly secret: Uint8Array;

  constructor(
    private readonly config: GatewayConfig,
    private readonly reflector: Reflector,
  ) {
    this.secret = new TextEncoder().encode(config.JWT_SECRET);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const user = await this.authenticate(request.headers.authorization);
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    if (allowed && !allowed.includes(user.role)) throw new ApiError(403, 'FORBIDDEN', `This action is not available to a ${user.role}`);
    request.user = user;
    const current = requestContext.current();
    if (current) current.actor = { type: user.role, id: user.id };
    return true;
  }

  private async authenticate(header: string | undefined): Promise<AuthenticatedUser> {
    const token = header?.match(/^Bearer ([A-Za-z0-9._-]+)$/)?.[1];
    if (!token) throw new ApiError(401, 'UNAUTHENTICATED', 'A bearer token is required');
    try {
      const { payload } = await jwtVerify(token, this.secret, {
        algorithms: ['HS256'],
        ...(this.config.JWT_ISSUER ? { issuer: this.config.JWT_ISSUER } : {}),
        ...(this.config.JWT_AUDIENCE ? { audience: this.config.JWT_AUDIENCE } : {}),
      });
      const role = payload['role'];
      if (typeof payload.sub !== 'string' || payload.sub.length === 0 || !ROLES.includes(role as Role)) throw new Error('missing sub or role');
      return { id: payload.sub, role: role as Role };
    } catch {
      throw new ApiError(401, 'UNAUTHENTICATED', 'The bearer token is invalid or expired');
    }
  }
}
