import { connectKafkaConsumer } from '@bp/messaging';
import { runService } from '@bp/platform';
import { AppModule } from './app.module.js';
import { GatewayConfig } from './config/gateway.config.js';
import { answerWrongMethodsWith405 } from './http/method-not-allowed.js';
import { serveOpenApi } from './openapi/openapi.js';
import { servePortal } from './portal/serve-portal.js';

await runService({
  name: 'gateway',
  configClass: GatewayConfig,
  rootModule: (config) => AppModule.forRoot(config),
  connect: connectKafkaConsumer,
  beforeListen: async (app, config) => {
    answerWrongMethodsWith405(app.getHttpAdapter().getInstance());
    serveOpenApi(app);
    await servePortal(app, config);
  },
  // A live stream or socket stays open for as long as the client watches; it must not hold an admission place.
  admissionExemptRoutes: ['/api/bookings/events', '/api/live/ws'],
});
