import { register } from 'node:module';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { MongooseInstrumentation } from '@opentelemetry/instrumentation-mongoose';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';

let sdk: NodeSDK | undefined;

/**
 * Starts OpenTelemetry before anything it instruments is loaded: main.ts calls this and only then
 * imports the Nest application dynamically. Spans are exported over OTLP when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise context is still propagated (trace ids in logs and
 * Kafka headers) without exporting.
 */
export function startTelemetry(service: string): void {
  if (sdk) return;
  // ES modules are instrumented through import-in-the-middle's loader hook.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const endpoint = process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': service }),
    ...(endpoint ? { traceExporter: new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` }) } : {}),
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => req.url === '/metrics' || req.url?.startsWith('/health') === true }),
      new KafkaJsInstrumentation(),
      new MongooseInstrumentation(),
    ],
  });
  sdk.start();
}

export async function stopTelemetry(): Promise<void> {
  await sdk?.shutdown();
  sdk = undefined;
}
