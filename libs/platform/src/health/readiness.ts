import { Injectable } from '@nestjs/common';

export interface ReadinessResult {
  up: boolean;
  details?: Record<string, unknown>;
}

/** A dependency the service cannot serve without (database, Kafka, its consumer, its outbox). */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<ReadinessResult>;
}

/** Libraries register their checks here when their module starts; /health/ready runs them all. */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();

  register(check: ReadinessCheck): void {
    this.checks.set(check.name, check);
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
