import { timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ServiceConfig } from '../config/service.config.js';
import { ApiError } from './api-envelope.js';

export const INTERNAL_TOKEN_HEADER = 'x-internal-token';

/**
 * Service-to-service calls (gateway → owning service) carry a shared token from config. Public
 * authorization happens in the gateway; this keeps the internal API closed to everything else.
 */
@Injectable()
export class InternalAuthGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(config: ServiceConfig) {
    this.expected = Buffer.from(config.INTERNAL_API_TOKEN);
  }

  canActivate(context: ExecutionContext): boolean {
    const given = context.switchToHttp().getRequest<FastifyRequest>().headers[INTERNAL_TOKEN_HEADER];
    const token = Buffer.from(typeof given === 'string' ? given : '');
    if (token.length !== this.expected.length || !timingSafeEqual(token, this.expected)) {
      throw new ApiError(401, 'UNAUTHENTICATED', 'Internal API token missing or wrong');
    }
    return true;
  }
}
