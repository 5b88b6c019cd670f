import { type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '@bp/platform';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { TokenVerifier } from '../auth/token-verifier.js';

type ApiRequest = FastifyRequest & { user?: AuthenticatedUser };

/**
 * Rate limits on every /api route, counted in Redis: per client IP always, and per user when the
 * request carries a valid token (verified here once; the auth guard reuses it). Over the limit: 429
 * RATE_LIMITED with Retry-After in seconds.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  @Inject(TokenVerifier) private readonly verifier!: TokenVerifier;

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<ApiRequest>();
    if (!request.url.startsWith('/api/')) return true;
    if (request.headers.authorization) request.user = await this.verifier.verify(request.headers.authorization).catch(() => undefined);
    return super.canActivate(context);
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const retryAfter = Math.max(1, detail.timeToBlockExpire);
    void context.switchToHttp().getResponse<FastifyReply>().header('Retry-After', String(retryAfter));
    throw new ApiError(429, 'RATE_LIMITED', 'Too many requests; retry after the time in Retry-After', { retryAfterSeconds: retryAfter, limit: detail.limit });
  }
}
