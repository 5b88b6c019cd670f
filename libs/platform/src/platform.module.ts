import { type DynamicModule, Global, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { DatabaseServiceConfig, ServiceConfig } from './config/service.config.js';
import { RequestContextMiddleware } from './context/request-context.middleware.js';
import { ErrorEnvelopeFilter } from './http/error-envelope.filter.js';
import { strictValidationPipe } from './http/validation.pipe.js';
import { HealthController } from './health/health.controller.js';
import { ReadinessRegistry } from './health/readiness.js';
import { LoggingModule } from './logging/logging.module.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { InternalIdentity } from './http/internal-identity.js';
import { MetricsServer } from './metrics/metrics-server.js';

/**
 * What every service has: its validated config (injectable by its own class and by the shared base
 * classes), JSON logs with request ids, /metrics, /health/live and /health/ready.
 */
@Global()
@Module({})
export class PlatformModule implements NestModule {
  static forRoot<C extends ServiceConfig>(config: C): DynamicModule {
    const configClass = config.constructor as new () => C;
    const aliases = [ServiceConfig, ...(config instanceof DatabaseServiceConfig ? [DatabaseServiceConfig] : [])]
      .filter((base) => base !== configClass)
      .map((base) => ({ provide: base, useExisting: configClass }));
    return {
      module: PlatformModule,
      imports: [LoggingModule, TerminusModule.forRoot({ logger: false })],
      // /metrics on the service's port, or on its own (METRICS_PORT: MetricsServer).
      controllers: config.METRICS_PORT ? [HealthController] : [HealthController, MetricsController],
      providers: [
        { provide: configClass, useValue: config },
        ...aliases,
        ReadinessRegistry,
        InternalIdentity,
        MetricsServer,
        { provide: APP_FILTER, useClass: ErrorEnvelopeFilter },
        { provide: APP_PIPE, useFactory: strictValidationPipe },
      ],
      exports: [configClass, ...aliases.map((a) => a.provide), ReadinessRegistry, InternalIdentity],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestContextMiddleware).forRoutes('*path');
  }
}
