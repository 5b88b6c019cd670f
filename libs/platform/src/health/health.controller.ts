import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ApiError } from '../http/api-envelope.js';
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

  /** Readiness: every registered dependency answers in time. 503 NOT_READY names the ones that do not. */
  @Get('ready')
  async ready() {
    try {
      return await this.checkAll();
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as { error?: Record<string, unknown> };
      const failing = Object.keys(result.error ?? {});
      throw new ApiError(503, 'NOT_READY', `Not ready: ${failing.join(', ') || 'unknown'}`, result);
    }
  }

  private checkAll() {
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
