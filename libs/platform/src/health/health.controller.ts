import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ReadinessRegistry, withTimeout } from './readiness.js';

const CHECK_TIMEOUT_MS = 2000;

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly registry: ReadinessRegistry,
  ) {}

  /** Liveness: the process answers. No I/O, so a slow dependency never gets a healthy pod restarted. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check(
      this.registry.all().map((readiness) => async () => {
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
