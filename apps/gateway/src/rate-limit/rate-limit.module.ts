import { type ExecutionContext, Module } from '@nestjs/common';
import {
  type ThrottlerGenerateKeyFunction,
  type ThrottlerGetTrackerFunction,
  ThrottlerModule,
  type ThrottlerModuleOptions,
  type ThrottlerOptions,
} from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { GatewayConfig } from '../config/gateway.config.js';
import { RateLimitStorage } from './rate-limit.storage.js';

@Module({ providers: [RateLimitStorage], exports: [RateLimitStorage] })
class RateLimitStorageModule {}

type ApiRequest = FastifyRequest & { user?: AuthenticatedUser };
const MINUTE_MS = 60_000;

const isAuthenticated = (context: ExecutionContext) => context.switchToHttp().getRequest<ApiRequest>().user !== undefined;
const byUser: ThrottlerGetTrackerFunction = (req) => `${(req as ApiRequest).user?.role}:${(req as ApiRequest).user?.id}`;
const byAddress: ThrottlerGetTrackerFunction = (req) => (req as ApiRequest).ip;
/** One count per throttler and tracker across every route (the throttler's own key adds the controller and handler). */
const acrossRoutes: ThrottlerGenerateKeyFunction = (_context, tracker) => tracker;

/** `limit` requests a minute per tracker, every route counted together, for the requests `appliesTo` picks. */
function perMinute(name: string, limit: number, getTracker: ThrottlerGetTrackerFunction, appliesTo: (context: ExecutionContext) => boolean): ThrottlerOptions {
  return { name, ttl: MINUTE_MS, limit, getTracker, generateKey: acrossRoutes, skipIf: (context) => !appliesTo(context), setHeaders: false };
}

/**
 * Three limits (RateLimitGuard decides which requests are limited at all): a verified user by their
 * identity, whatever their address; a client without a valid token by its address; and, as a ceiling
 * for one address holding many tokens, authenticated requests by address.
 */
export const RateLimitModule = ThrottlerModule.forRootAsync({
  imports: [RateLimitStorageModule],
  inject: [GatewayConfig, RateLimitStorage],
  useFactory: (config: GatewayConfig, storage: RateLimitStorage): ThrottlerModuleOptions => ({
    storage,
    throttlers: [
      perMinute('user', config.RATE_LIMIT_PER_USER_PER_MINUTE, byUser, isAuthenticated),
      perMinute('ip', config.RATE_LIMIT_PER_IP_PER_MINUTE, byAddress, (context) => !isAuthenticated(context)),
      perMinute('ip-authenticated', config.RATE_LIMIT_PER_IP_AUTHENTICATED_PER_MINUTE, byAddress, isAuthenticated),
    ],
  }),
});
