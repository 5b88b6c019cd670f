import { type Server, createServer } from 'node:http';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ServiceConfig } from '../config/service.config.js';
import { metricsRegistry } from './metrics.js';

/**
 * `/metrics` on its own port (METRICS_PORT), and nothing else there: the NetworkPolicy then lets
 * Prometheus reach that port only, never the service's API (docs/observability.md). Without
 * METRICS_PORT the service's own port serves /metrics (MetricsController), as in local runs.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MetricsServer.name);
  private server?: Server;

  constructor(private readonly config: ServiceConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.METRICS_PORT;
    if (!port) return;
    this.server = createServer((request, response) => {
      if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics here\n');
        return;
      }
      metricsRegistry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(text),
        (error: unknown) => {
          this.logger.error({ message: 'metrics scrape failed', error: (error as Error).message });
          response.writeHead(500).end();
        },
      );
    });
    await new Promise<void>((resolve, reject) => this.server!.once('error', reject).listen(port, this.config.HOST, () => resolve()));
    this.logger.log(`metrics on http://${this.config.HOST}:${port}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
