import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process; every library and app registers its metrics here. */
export const metricsRegistry = new Registry();
let defaultsCollected = false;

export function collectProcessMetrics(service: string): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  metricsRegistry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: metricsRegistry });
}

type Labels<L extends string> = readonly L[];

/** Get-or-create, so a metric declared by a library used twice in one process (tests) is not registered twice. */
export function counter<L extends string>(name: string, help: string, labelNames: Labels<L> = []): Counter<L> {
  return (
    (metricsRegistry.getSingleMetric(name) as Counter<L> | undefined) ?? new Counter({ name, help, labelNames: [...labelNames], registers: [metricsRegistry] })
  );
}

export function gauge<L extends string>(name: string, help: string, labelNames: Labels<L> = []): Gauge<L> {
  return (
    (metricsRegistry.getSingleMetric(name) as Gauge<L> | undefined) ?? new Gauge({ name, help, labelNames: [...labelNames], registers: [metricsRegistry] })
  );
}

export function histogram<L extends string>(name: string, help: string, labelNames: Labels<L>, buckets: number[]): Histogram<L> {
  return (
    (metricsRegistry.getSingleMetric(name) as Histogram<L> | undefined) ??
    new Histogram({ name, help, labelNames: [...labelNames], buckets, registers: [metricsRegistry] })
  );
}

export const httpRequestDuration = () =>
  histogram(
    'http_server_request_duration_seconds',
    'HTTP requests handled, by route and status',
    ['method', 'route', 'status_code'],
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
  );
