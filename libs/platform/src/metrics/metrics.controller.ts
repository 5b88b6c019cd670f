import { Controller, Get, Header } from '@nestjs/common';
import { metricsRegistry } from './metrics.js';

@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('Content-Type', metricsRegistry.contentType)
  async scrape(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
