import { register } from 'node:module';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { MongooseInstrumentation } from '@opentelemetry/instrumentation-mongoose';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';

let sdk: NodeSDK | undefined;

/**
 * Starts OpenTelemetry before anything it instruments is loaded: main.ts calls this and only then
 * imports the Nest application dynamically. Spans are exported over OTLP/HTTP (JSON) to
 * `${OTEL_EXPORTER_OTLP_ENDPOINT}/v1/traces` when the endpoint is set, in batches tuned by the
 * standard OTEL_BSP_* variables; otherwise spans are still made, so trace ids reach logs and Kafka
 * headers, and dropped. Kafka spans are made by @bp/messaging itself (see message-tracing.ts), not
 * by the kafkajs instrumentation. No metrics or logs go over OTLP (Prometheus and stdout do that).
 */
export function startTelemetry(service: string): void {
  if (sdk) return;
  // ES modules are instrumented through import-in-the-middle's loader hook.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const endpoint = process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [endpoint ? new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` })) : new NoopSpanProcessor()],
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => req.url === '/metrics' || req.url?.startsWith('/health') === true,
        // Background work (outbox sweeps, job polling, SDK calls from jobs) does not start traces of its own.
        requireParentforOutgoingSpans: true,
      }),
      new MongooseInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
}

export async function stopTelemetry(): Promise<void> {
  await sdk?.shutdown();
  sdk = undefined;
}
