import { connectKafkaConsumer } from '@bp/messaging';
import { runService } from '@bp/platform';
import { AppModule } from './app.module.js';
import { GatewayConfig } from './config/gateway.config.js';
import { serveOpenApi } from './openapi/openapi.js';

await runService({
  name: 'gateway',
  configClass: GatewayConfig,
  rootModule: (config) => AppModule.forRoot(config),
  connect: connectKafkaConsumer,
  beforeListen: serveOpenApi,
});
