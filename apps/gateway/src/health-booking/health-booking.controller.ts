import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiError, requestContext } from '@bp/platform';
import { BookingHealthSources } from '../admin/booking-health.sources.js';
import { GatewayConfig } from '../config/gateway.config.js';
import { Upstreams } from '../upstream/upstreams.js';
import { type Answer, type JobFreshness, bookingHealthChecks, overallStatus } from './booking-health-checks.js';

/** The gateway asks the services as itself: these reads give counts, never whose bookings they are. */
const HEALTH_CALLER = { type: 'system' as const, id: 'gateway-health' };

async function answer<T>(read: () => Promise<T>): Promise<Answer<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (error) {
    return { ok: false, error: error instanceof ApiError ? error.code : 'UPSTREAM_UNAVAILABLE' };
  }
}

/**
 * GET /health/booking: the spec's booking health check for monitors and load balancers. Like the
 * other /health routes it needs no token and is not in the public API document; it shows counts,
 * amounts and job times only (no ids, no error details beyond a code). 503 when unhealthy.
 */
@Controller('health')
export class HealthBookingController {
  constructor(
    private readonly sources: BookingHealthSources,
    private readonly upstreams: Upstreams,
    private readonly config: GatewayConfig,
  ) {}

  @Get('booking')
  async booking(@Res({ passthrough: true }) reply: FastifyReply) {
    const context = requestContext.current();
    const [bookings, payments, jobs] = await requestContext.run({ requestId: context?.requestId ?? 'health-booking', actor: HEALTH_CALLER }, () =>
      Promise.all([
        answer(() => this.sources.bookings()),
        answer(() => this.sources.payments()),
        answer(async () => (await this.upstreams.fetch<{ jobs: JobFreshness[] }>('scheduler', { method: 'GET', path: '/internal/jobs' })).data.jobs),
      ]),
    );
    const checks = bookingHealthChecks(bookings, payments, jobs, {
      pendingWarnCount: this.config.HEALTH_PENDING_WARN_COUNT,
      expiringSoonWarnCount: this.config.HEALTH_EXPIRING_SOON_WARN_COUNT,
      holdsWarnAmountCents: this.config.HEALTH_HOLDS_WARN_AMOUNT_CENTS,
    });
    const status = overallStatus(checks);
    void reply.status(status === 'unhealthy' ? 503 : 200);
    return { status, timestamp: new Date().toISOString(), checks };
  }
}
