import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { isIanaTimeZone } from '@bp/contracts';
import { ApiError } from '@bp/platform';
import { GatewayConfig } from '../config/gateway.config.js';

function versionParts(version: string): number[] | undefined {
  const match = version.match(/^(\d+)\.(\d+)\.(\d+)/);
  return match ? match.slice(1, 4).map(Number) : undefined;
}

/** a < b for x.y.z versions. */
export function isOlderVersion(a: string, b: string): boolean {
  const [left, right] = [versionParts(a), versionParts(b)];
  if (!left || !right) return false;
  for (let i = 0; i < 3; i++) if (left[i] !== right[i]) return (left[i] ?? 0) < (right[i] ?? 0);
  return false;
}

/**
 * The public API's request headers: X-Client-Version below MIN_CLIENT_VERSION answers 426 (the app
 * must update); X-Timezone must be an IANA zone (it renders local times in responses). X-Request-ID
 * is the platform's (accepted or generated, echoed); X-Idempotency-Key is required per mutating route.
 */
@Injectable()
export class ClientHeadersGuard implements CanActivate {
  constructor(private readonly config: GatewayConfig) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const headers = context.switchToHttp().getRequest<FastifyRequest>().headers;
    const version = headers['x-client-version'];
    const minimum = this.config.MIN_CLIENT_VERSION;
    if (minimum && typeof version === 'string' && (!versionParts(version) || isOlderVersion(version, minimum)))
      throw new ApiError(426, 'CLIENT_UPGRADE_REQUIRED', `This app version is no longer supported; update to ${minimum} or later`, { minimumVersion: minimum });
    const zone = headers['x-timezone'];
    if (zone !== undefined && (typeof zone !== 'string' || !isIanaTimeZone(zone)))
      throw new ApiError(400, 'INVALID_TIMEZONE', 'X-Timezone must be an IANA time zone such as Europe/Berlin');
    return true;
  }
}
