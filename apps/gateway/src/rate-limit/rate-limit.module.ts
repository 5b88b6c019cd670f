import { type ExecutionContext, Module } from '@nestjs/common';
import { ThrottlerModule, type ThrottlerModuleOptions } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { GatewayConfig } from '../config/gateway.config.js';
import { RedisThrottlerStorage } from './redis-throttler.storage.js';

@Module({ providers: [RedisThrottlerStorage], exports: [RedisThrottlerStorage] })
class RateLimitStorageModule {}

type ApiRequest = FastifyRequest & { user?: AuthenticatedUser };
const MINUTE_MS = 60_000;

/** The two limits, per IP and per user, with their counters in Redis (see RateLimitGuard). */
export const RateLimitModule = ThrottlerModule.forRootAsync({
  imports: [RateLimitStorageModule],
  inject: [GatewayConfig, RedisThrottlerStorage],
  useFactory: (config: GatewayConfig, storage: RedisThrottlerStorage): ThrottlerModuleOptions => ({
    storage,
    throttlers: [
      { name: 'ip', ttl: MINUTE_MS, limit: config.RATE_LIMIT_PER_IP_PER_MINUTE, setHeaders: false, getTracker: (req) => `ip:${(req as ApiRequest).ip}` },
      {
        name: 'user',
        ttl: MINUTE_MS,
        limit: config.RATE_LIMIT_PER_USER_PER_MINUTE,
        setHeaders: false,
        getTracker: (req) => `user:${(req as ApiRequest).user?.role}:${(req as ApiRequest).user?.id}`,
        skipIf: (context: ExecutionContext) => !context.switchToHttp().getRequest<ApiRequest>().user,
      },
    ],
  }),
});
