import { Injectable } from '@nestjs/common';
import { gauge } from '../metrics/metrics.js';

/** 1 while a dependency whose outage degrades the service (Kafka, the outbox's publishing) is down, as of the last readiness probe. */
export const dependencyDegraded = () =>
  gauge('service_dependency_degraded', 'A dependency is down that degrades this service without taking it out of service (1), per readiness probe', [
    'dependency',
  ]);

export interface ReadinessResult {
  up: boolean;
  details?: Record<string, unknown>;
}

/**
 * A dependency of the service. `ready` (the default): the pod cannot serve its requests without it
 * (its database, its feature flags); when it is down the pod is taken out of service (503). `degraded`:
 * requests are still served (Kafka: writes wait in the outbox), so an outage is reported — in the
 * readiness answer and the `service_dependency_degraded` gauge, which alerts — but the pod stays in:
 * a broker outage must not pull every pod of every service at once.
 */
export interface ReadinessCheck {
  readonly name: string;
  readonly affects?: 'ready' | 'degraded';
  check(): Promise<ReadinessResult>;
}

/** Libraries register their checks here when their module starts; /health/ready runs them all. */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();

  register(check: ReadinessCheck): void {
    this.checks.set(check.name, check);
    if (check.affects === 'degraded') dependencyDegraded().set({ dependency: check.name }, 0); // scraped (and alertable) from the start
  }

  all(): ReadinessCheck[] {
    return [...this.checks.values()];
  }
}

export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
