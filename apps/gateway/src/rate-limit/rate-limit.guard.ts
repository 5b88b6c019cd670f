import { type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '@bp/platform';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { TokenVerifier } from '../auth/token-verifier.js';

type ApiRequest = FastifyRequest & { user?: AuthenticatedUser };

/**
 * Rate limits on every request Fastify routed to an /api route (RateLimitModule's three limits). The
 * matched route decides, not the raw URL: `/%61pi/…` is routed to `/api/…` and is limited like it.
 * A bearer token is verified here once (the auth guard reuses the result); an invalid one counts as
 * no token. Over a limit: 429 RATE_LIMITED with Retry-After, the seconds until the window ends.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  @Inject(TokenVerifier) private readonly verifier!: TokenVerifier;

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<ApiRequest>();
    if (!request.routeOptions.url?.startsWith('/api/')) return true;
    if (request.headers.authorization) request.user = await this.verifier.verify(request.headers.authorization).catch(() => undefined);
    return super.canActivate(context);
  }

  protected override async throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const retryAfter = Math.max(1, detail.timeToBlockExpire);
    throw new ApiError(
      429,
      'RATE_LIMITED',
      'Too many requests; retry after the time in Retry-After',
      { retryAfterSeconds: retryAfter, limit: detail.limit },
      retryAfter,
    );
  }
}
