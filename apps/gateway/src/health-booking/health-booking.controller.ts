import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiError, requestContext } from '@bp/platform';
import { BookingHealthSources } from '../admin/booking-health.sources.js';
import { JwtAuthGuard, Roles } from '../auth/jwt-auth.guard.js';
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

interface HealthAnswer {
  status: 'healthy' | 'degraded' | 'unhealthy';
  timestamp: string;
  checks: ReturnType<typeof bookingHealthChecks>;
}

/**
 * GET /health/booking: the spec's booking health check, for admins and their monitors (an admin
 * token; not in the public API document). It shows counts, amounts and job times only (no ids, no
 * error details beyond a code), 503 when unhealthy, and is computed at most once every
 * HEALTH_BOOKING_CACHE_MS however often it is asked (concurrent callers share one computation).
 */
@Controller('health')
@UseGuards(JwtAuthGuard)
@Roles('admin')
export class HealthBookingController {
  private cached?: { until: number; answer: Promise<HealthAnswer> };

  constructor(
    private readonly sources: BookingHealthSources,
    private readonly upstreams: Upstreams,
    private readonly config: GatewayConfig,
  ) {}

  @Get('booking')
  async booking(@Res({ passthrough: true }) reply: FastifyReply) {
    const now = Date.now();
    if (!this.cached || this.cached.until <= now) {
      const answer = this.compute();
      this.cached = { until: now + this.config.HEALTH_BOOKING_CACHE_MS, answer };
      answer.catch(() => (this.cached = undefined));
    }
    const answer = await this.cached.answer;
    void reply.status(answer.status === 'unhealthy' ? 503 : 200);
    return answer;
  }

  private async compute(): Promise<HealthAnswer> {
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
    return { status: overallStatus(checks), timestamp: new Date().toISOString(), checks };
  }
}
