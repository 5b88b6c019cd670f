import { Controller, Get, Query, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ApiError } from '../http/api-envelope.js';
import { type ReadinessCheck, ReadinessRegistry, type ReadinessResult, dependencyDegraded, withTimeout } from './readiness.js';

const CHECK_TIMEOUT_MS = 2000;

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly registry: ReadinessRegistry,
  ) {}

  /** Liveness: the process answers. No I/O, so a slow dependency never gets a healthy pod restarted. */
  /** Alive, and which service this is (what an internal caller signs its token for). */
  @Get('live')
  live(): { status: 'ok'; service: string } {
    return { status: 'ok', service: process.env['SERVICE_NAME'] ?? 'service' };
  }

  /**
   * Readiness: every dependency the pod cannot serve without answers in time (503 NOT_READY names
   * the ones that do not); those whose outage only degrades it (Kafka) are reported under `degraded`
   * and in `service_dependency_degraded`, without taking the pod out of service. With `?strict=true`
   * a degraded dependency answers 503 NOT_READY too: "everything up", including the Kafka consumer
   * positioned on its partitions, which is what `npm start` and the test harness wait for before they
   * write anything a consumer that starts at the end must see.
   */
  @Get('ready')
  async ready(@Query('strict') strict?: string) {
    const degraded = await this.degradedChecks();
    const isDegraded = Object.keys(degraded).length > 0;
    if (strict === 'true' && isDegraded) throw new ApiError(503, 'NOT_READY', `Degraded: ${Object.keys(degraded).join(', ')}`, { degraded });
    try {
      const result = await this.checkAll(this.registry.all().filter((check) => (check.affects ?? 'ready') === 'ready'));
      return isDegraded ? { ...result, degraded } : result;
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as { error?: Record<string, unknown> };
      const failing = Object.keys(result.error ?? {});
      throw new ApiError(503, 'NOT_READY', `Not ready: ${failing.join(', ') || 'unknown'}`, {
        ...result,
        ...(isDegraded ? { degraded } : {}),
      });
    }
  }

  /** The degrading dependencies that are down, by name, each with what it reported. */
  private async degradedChecks(): Promise<Record<string, unknown>> {
    const down: Record<string, unknown> = {};
    await Promise.all(
      this.registry
        .all()
        .filter((check) => check.affects === 'degraded')
        .map(async (readiness) => {
          let result: ReadinessResult;
          try {
            result = await withTimeout(readiness.check(), CHECK_TIMEOUT_MS, readiness.name);
          } catch (error) {
            result = { up: false, details: { message: (error as Error).message } };
          }
          dependencyDegraded().set({ dependency: readiness.name }, result.up ? 0 : 1);
          if (!result.up) down[readiness.name] = result.details ?? {};
        }),
    );
    return down;
  }

  private checkAll(checks: ReadinessCheck[]) {
    return this.health.check(
      checks.map((readiness) => async () => {
        const indicator = this.indicators.check(readiness.name);
        try {
          const result = await withTimeout(readiness.check(), CHECK_TIMEOUT_MS, readiness.name);
          return result.up ? indicator.up(result.details ?? {}) : indicator.down(result.details ?? {});
        } catch (error) {
          return indicator.down({ message: (error as Error).message });
        }
      }),
    );
  }
}
